/**
 * Image folders registered from the dashboard. The check itself (core's scanImageFolder, within the
 * dataset roots) happens before; this keeps what it found so the Datasets page and the queue form can
 * offer the folder without scanning it again.
 */
import { folderScanSchema, type FolderScan } from '@convlab/core/contracts';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.ts';

export const folderDatasetLabelSchema = z.string().trim().min(1).max(100);

export interface RegisteredFolder {
  /** `folder:<real path>`, what a run config names. */
  dataset: string;
  label: string;
  scan: FolderScan;
  registeredAt: Date;
  checkedAt: Date;
}

/** Registers (or re-checks) a folder; its label and scan replace any earlier ones. */
export async function registerFolderDataset(
  db: PrismaClient,
  input: { dataset: string; label: string; scan: FolderScan },
): Promise<RegisteredFolder> {
  const scan = folderScanSchema.parse(input.scan);
  const label = folderDatasetLabelSchema.parse(input.label);
  const data = {
    label,
    scan: JSON.stringify(scan),
    images: scan.images,
    classCount: scan.classes.length,
    checkedAt: new Date(),
  };
  const row = await db.folderDataset.upsert({
    where: { dataset: input.dataset },
    create: { dataset: input.dataset, ...data },
    update: data,
  });
  return { ...row, scan };
}

/** Registered folders, by label (a row whose stored scan no longer parses is left out). */
export async function listFolderDatasets(db: PrismaClient): Promise<RegisteredFolder[]> {
  const rows = await db.folderDataset.findMany({ orderBy: { label: 'asc' } });
  return rows.flatMap((row) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.scan);
    } catch {
      return [];
    }
    const scan = folderScanSchema.safeParse(parsed);
    return scan.success ? [{ ...row, scan: scan.data }] : [];
  });
}

/** Forgets a registered folder (its files and the runs trained on it are untouched). */
export async function removeFolderDataset(db: PrismaClient, dataset: string): Promise<boolean> {
  const { count } = await db.folderDataset.deleteMany({ where: { dataset } });
  return count > 0;
}
