/** What checking an image folder found (core's scanImageFolder), as the database stores it. */
import { z } from 'zod';
import { skippedFilesSchema } from './report-file.ts';

export const folderScanSchema = z.object({
  /** `<class>/*` (the trainer carves a test split), or `train/<class>` + `test/<class>`. */
  layout: z.enum(['classes', 'train-test']),
  classes: z
    .array(
      z.object({
        name: z.string().min(1).max(255),
        /** Usable images in train/ (split folders) or in the class folder. */
        trainImages: z.number().int().min(0),
        /** Usable images in test/ (split folders; 0 otherwise). */
        testImages: z.number().int().min(0),
      }),
    )
    .min(2)
    .max(256),
  images: z.number().int().min(0),
  skipped: skippedFilesSchema,
});
export type FolderScan = z.infer<typeof folderScanSchema>;
export type FolderClass = FolderScan['classes'][number];
