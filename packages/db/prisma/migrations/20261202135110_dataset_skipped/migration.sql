-- AlterTable
ALTER TABLE "Run" ADD COLUMN "skippedFiles" INTEGER;
ALTER TABLE "Run" ADD COLUMN "skippedReport" TEXT;
