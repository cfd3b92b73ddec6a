import { z } from 'zod';

/** A folder on the server, as typed into the datasets page (resolved inside the dataset roots later). */
export const folderPathSchema = z
  .string()
  .trim()
  .min(1, 'enter the folder’s path')
  .max(1024, 'a folder path is at most 1024 characters')
  .refine((value) => !value.includes('\0'), 'not a valid path');
