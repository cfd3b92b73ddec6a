-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "workers" INTEGER,
ADD COLUMN     "workersNote" TEXT;
