-- AlterTable
ALTER TABLE "Run" ADD COLUMN "workers" INTEGER;
ALTER TABLE "Run" ADD COLUMN "workersNote" TEXT;
