/**
 * `convlab report <run id>... | --group <id> --out <file> [--format html|md|pdf] [--force] [--json]`:
 * the lab report of completed runs. html: one self-contained file; md: the file plus an assets/
 * folder of PNG figures beside it; pdf: the HTML printed by Chromium. Nothing is half-written: every
 * file is written under a temporary name in the target folder and renamed into place.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  HEADLESS_CHROMIUM_FLAGS,
  MARKDOWN_ASSETS_DIR,
  renderHtmlReport,
  renderMarkdownReport,
  type LabReportInput,
} from '@convlab/core/report';
import { LabReportSelectionError, loadLabReportInput, type LabReportSelection } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { chromiumSearchFromEnv } from '../env.ts';

const USAGE =
  'usage: convlab report <run id>... | --group <id> --out <file> [--format html|md|pdf] [--force] [--json]';

const formatSchema = z.enum(['html', 'md', 'pdf']);
type ReportFormat = z.infer<typeof formatSchema>;

/** Printing a report takes seconds; a browser that hangs is stopped after this. */
const CHROMIUM_TIMEOUT_MS = 120_000;

const CHROMIUM_FLAGS = [...HEADLESS_CHROMIUM_FLAGS, '--no-pdf-header-footer'];

/** The format: --format, else the output's extension (.md, .pdf), else html. */
function reportFormat(given: string | undefined, out: string): ReportFormat {
  if (given !== undefined) {
    const parsed = formatSchema.safeParse(given);
    if (!parsed.success) throw new CliError('invalid --format: expected html, md or pdf', 2);
    return parsed.data;
  }
  const extension = path.extname(out).toLowerCase();
  return extension === '.md' ? 'md' : extension === '.pdf' ? 'pdf' : 'html';
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** CONVLAB_CHROMIUM, /usr/bin/chromium or `chromium` on PATH; null when none is there. */
async function findChromium(): Promise<string | null> {
  const { override, pathDirs } = chromiumSearchFromEnv();
  if (override) return (await isExecutableFile(override)) ? override : null;
  const candidates = ['/usr/bin/chromium', ...pathDirs.map((dir) => path.join(dir, 'chromium'))];
  for (const candidate of candidates) if (await isExecutableFile(candidate)) return candidate;
  return null;
}

function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.message : String(error);
}

/** Refuses, before any work, an output that exists (without --force) or a folder we cannot write. */
async function checkOutput(out: string, format: ReportFormat, force: boolean): Promise<void> {
  const dir = path.dirname(out);
  const info = await stat(out).catch(() => null);
  if (info?.isDirectory()) throw new CliError(`${out} is a folder; --out names the report file`);
  if (info && !force) throw new CliError(`${out} exists; pass --force to replace it`);
  const assets = path.join(dir, MARKDOWN_ASSETS_DIR);
  if (format === 'md' && !force && (await exists(assets)))
    throw new CliError(`${assets} exists; pass --force to replace it`);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('ENOTDIR');
    await access(dir, constants.W_OK);
  } catch (error) {
    const reason = errorText(error);
    throw new CliError(
      reason === 'ENOENT'
        ? `cannot write ${out}: its folder ${dir} does not exist`
        : `cannot write ${out}: its folder ${dir} is not writable (${reason})`,
    );
  }
}

/** A name beside `target` for writing it before the rename that puts it in place. */
function temporaryName(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

async function writeFileAtomically(target: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = temporaryName(target);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** report.md and its assets/ folder: the folder is built aside and swapped in, then the file. */
async function writeMarkdown(out: string, input: LabReportInput): Promise<number> {
  const { markdown, assets } = renderMarkdownReport(input);
  const assetsDir = path.join(path.dirname(out), MARKDOWN_ASSETS_DIR);
  const building = temporaryName(assetsDir);
  const replaced = temporaryName(assetsDir);
  try {
    await mkdir(building);
    for (const asset of assets)
      await writeFile(path.join(building, ...asset.path.split('/').slice(1)), asset.bytes);
    if (await exists(assetsDir)) await rename(assetsDir, replaced);
    await rename(building, assetsDir);
    await writeFileAtomically(out, markdown);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    // Put back what was there.
    if (await exists(replaced)) {
      await rm(assetsDir, { recursive: true, force: true });
      await rename(replaced, assetsDir);
    }
    throw error;
  }
  await rm(replaced, { recursive: true, force: true });
  return (
    Buffer.byteLength(markdown) + assets.reduce((sum, asset) => sum + asset.bytes.byteLength, 0)
  );
}

/** The HTML report printed to PDF by Chromium (A4, from the report's @page rule). */
async function writePdf(out: string, html: string, chromium: string): Promise<number> {
  const work = await mkdtemp(path.join(tmpdir(), 'convlab-report-'));
  const temporary = temporaryName(out);
  try {
    const htmlFile = path.join(work, 'report.html');
    await writeFile(htmlFile, html);
    await new Promise<void>((resolve, reject) => {
      execFile(
        chromium,
        [
          ...CHROMIUM_FLAGS,
          `--user-data-dir=${path.join(work, 'profile')}`,
          `--print-to-pdf=${temporary}`,
          pathToFileURL(htmlFile).href,
        ],
        { timeout: CHROMIUM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error)
            reject(
              new Error(
                `Chromium could not print the report: ${stderr.trim().split('\n').at(-1) ?? error.message}`,
              ),
            );
          else resolve();
        },
      );
    });
    const pdf = await readFile(temporary).catch(() => null);
    if (!pdf || pdf.subarray(0, 5).toString('latin1') !== '%PDF-')
      throw new Error('Chromium did not write a PDF');
    await rename(temporary, out);
    return pdf.byteLength;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      group: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      title: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new CliError(`--out is required; ${USAGE}`, 2);
  if (positionals.length > 0 === (values.group !== undefined))
    throw new CliError(`name run ids or --group, not both or neither; ${USAGE}`, 2);
  if (values.title !== undefined && (values.title.trim() === '' || values.title.length > 200))
    throw new CliError('invalid --title: 1 to 200 characters', 2);
  const out = path.resolve(values.out);
  const format = reportFormat(values.format, out);
  await checkOutput(out, format, values.force);
  // Before reading any run: without a browser a PDF cannot be made.
  const chromium = format === 'pdf' ? await findChromium() : null;
  if (format === 'pdf' && !chromium)
    throw new CliError(
      'a PDF is printed by Chromium, which is not installed here: apt-get install chromium (or set CONVLAB_CHROMIUM), or use --format html',
    );
  const selection: LabReportSelection =
    values.group !== undefined ? { groupId: values.group } : { runIds: positionals };
  const input = await withDatabase((db) =>
    loadLabReportInput(db, selection, { title: values.title }),
  ).catch((error: unknown) => {
    if (error instanceof LabReportSelectionError) throw new CliError(error.message);
    throw error;
  });
  let bytes: number;
  try {
    if (format === 'md') bytes = await writeMarkdown(out, input);
    else {
      const html = renderHtmlReport(input);
      if (format === 'pdf') bytes = await writePdf(out, html, chromium ?? '');
      else {
        await writeFileAtomically(out, html);
        bytes = Buffer.byteLength(html);
      }
    }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Chromium'))
      throw new CliError(error.message);
    throw new CliError(`cannot write ${out}: ${errorText(error)}`);
  }
  const runs = input.runs.map((run) => run.id);
  if (values.json) console.log(JSON.stringify({ out, format, runs, bytes }));
  else
    console.log(
      `wrote ${out} (${format}, ${runs.length} run${runs.length === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes${format === 'md' ? `, figures in ${MARKDOWN_ASSETS_DIR}/` : ''})`,
    );
  return 0;
}
