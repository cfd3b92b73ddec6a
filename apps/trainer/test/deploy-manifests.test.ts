/**
 * The Kubernetes manifests in deploy/kubernetes: every file the kustomization names parses, every
 * object is a well-formed Kubernetes object, and the trainers' KEDA ScaledJobs ask the queue the one
 * question `convlab queue depth --sql` answers (db's QUEUE_DEPTH_SQL, run against real PostgreSQL in
 * db's queue tests), one Job per claimable run, with the trainer contract (`--once --max-runs 1`).
 * The schemas are the npm registry's kubernetes-models (the Kubernetes API's OpenAPI definitions) and
 * @kubernetes-models/keda (KEDA's CRDs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUEUE_DEPTH_SQL } from '@convlab/db';
import { ScaledJob } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledJob';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';

const yaml = createRequire(import.meta.url)('js-yaml') as {
  load(text: string): unknown;
  loadAll(text: string): unknown[];
};
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIR = path.join(REPO, 'deploy', 'kubernetes');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

interface Container {
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  resources?: { limits?: Record<string, unknown> };
}

interface PodSpec {
  containers: Container[];
  tolerations?: { key: string }[];
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean };
}

interface ScaledJobSpec {
  jobTargetRef: { template: { spec: PodSpec } };
  scalingStrategy: { strategy: string };
  triggers: {
    type: string;
    metadata: { query: string; targetQueryValue: string };
    authenticationRef: { name: string };
  }[];
}

const kustomization = yaml.load(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images: { name: string }[];
};
const objects = kustomization.resources.flatMap((file) =>
  yaml
    .loadAll(readFileSync(path.join(DIR, file), 'utf8'))
    .map((doc) => ({ file, doc: doc as K8sObject })),
);
const ofKind = (kind: string) => objects.filter((o) => o.doc.kind === kind).map((o) => o.doc);
const podSpecs = (): PodSpec[] => [
  ...ofKind('Job').map((job) => (job.spec as { template: { spec: PodSpec } }).template.spec),
  ...ofKind('Deployment').map((d) => (d.spec as { template: { spec: PodSpec } }).template.spec),
  ...ofKind('ScaledJob').map(
    (s) => (s.spec as unknown as ScaledJobSpec).jobTargetRef.template.spec,
  ),
];

describe('deploy/kubernetes', () => {
  it('names files that exist and parse into named Kubernetes objects', () => {
    for (const file of kustomization.resources) expect(existsSync(path.join(DIR, file))).toBe(true);
    expect(objects.map((o) => o.doc.kind).sort()).toEqual([
      'Deployment',
      'Job',
      'ScaledJob',
      'ScaledJob',
      'Service',
      'TriggerAuthentication',
    ]);
    for (const { file, doc } of objects) {
      expect(doc.apiVersion, file).toMatch(/^([a-z0-9.-]+\/)?v\d+(alpha\d+|beta\d+)?$/);
      expect(doc.metadata.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    // Every image a pod runs can be renamed in one place.
    const images = new Set(kustomization.images.map((i) => i.name));
    for (const spec of podSpecs()) {
      for (const container of spec.containers) expect(images.has(container.image)).toBe(true);
      // The images run as user 10001; a pod that would run as root is refused.
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
    }
  });

  it("validates against the Kubernetes API's schemas and KEDA's CRD schemas", () => {
    const models: Record<string, (doc: K8sObject) => { validate(): void }> = {
      Deployment: (doc) => new Deployment(doc as never),
      Service: (doc) => new Service(doc),
      Job: (doc) => new Job(doc as never),
      ScaledJob: (doc) => new ScaledJob(doc as never),
      TriggerAuthentication: (doc) => new TriggerAuthentication(doc as never),
    };
    for (const { file, doc } of objects) {
      const model = models[doc.kind];
      expect(model, `${file}: ${doc.kind} has no schema here`).toBeDefined();
      expect(() => model?.(doc).validate(), file).not.toThrow();
    }
    // The schemas do refuse a broken object (a container's image that is not a string).
    const broken = structuredClone(ofKind('ScaledJob')[0]) as unknown as {
      spec: { jobTargetRef: { template: { spec: { containers: unknown[] } } } };
    };
    broken.spec.jobTargetRef.template.spec.containers = [{ name: 'trainer', image: 3 }];
    expect(() => new ScaledJob(broken as never).validate()).toThrow(/image must be string/);
  });

  it('scales trainers on the query `convlab queue depth --sql` prints, one Job per claimable run', () => {
    const auth = ofKind('TriggerAuthentication')[0];
    const jobs = ofKind('ScaledJob').map((s) => s.spec as unknown as ScaledJobSpec);
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      const [trigger] = job.triggers;
      expect(trigger?.type).toBe('postgresql');
      expect(trigger?.metadata.query.trim()).toBe(QUEUE_DEPTH_SQL);
      expect(trigger?.metadata.targetQueryValue).toBe('1');
      expect(trigger?.authenticationRef.name).toBe(auth?.metadata.name);
      // Claimed runs leave the count: running Jobs must not be subtracted again.
      expect(job.scalingStrategy.strategy).toBe('accurate');
      const pod = job.jobTargetRef.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.containers[0]?.args).toEqual(
        expect.arrayContaining(['trainer', '--once', '--max-runs', '1']),
      );
    }
    const gpu = ofKind('ScaledJob').find((s) => s.metadata.name.endsWith('-gpu'));
    const gpuPod = (gpu?.spec as unknown as ScaledJobSpec).jobTargetRef.template.spec;
    const container = gpuPod.containers[0];
    expect(container?.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(gpuPod.tolerations?.map((t) => t.key)).toContain('nvidia.com/gpu');
    expect(container?.env).toEqual(
      expect.arrayContaining([
        { name: 'CONVLAB_BACKEND', value: 'webgpu' },
        { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility,graphics' },
      ]),
    );
  });

  it('probes the dashboard on a route that exists and keeps DATABASE_URL and the token in the Secret', () => {
    const web = readFileSync(path.join(DIR, 'web.yaml'), 'utf8');
    expect(web).toContain('path: /api/health');
    expect(existsSync(path.join(REPO, 'apps/web/src/app/api/health/route.ts'))).toBe(true);
    for (const spec of podSpecs())
      for (const env of spec.containers.flatMap((c) => c.env ?? []))
        if (env.name === 'DATABASE_URL' || env.name === 'CONVLAB_TOKEN')
          expect(env.valueFrom).toEqual({ secretKeyRef: { name: 'convlab', key: env.name } });
  });
});
