-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "modelSummary" TEXT;
