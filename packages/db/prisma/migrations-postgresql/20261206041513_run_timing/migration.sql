-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "etaLowerBound" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "timing" TEXT;
