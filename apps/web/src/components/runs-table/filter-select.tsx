'use client';
/** One filter of the leaderboard: "any" or one of the values seen in the runs. */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: { value: string; label?: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">any</option>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label ?? option.value}
          </option>
        ))}
      </select>
    </div>
  );
}
