-- AlterTable
ALTER TABLE "Run" ADD COLUMN "backendDevice" TEXT;

-- AlterTable
ALTER TABLE "Worker" ADD COLUMN "backendDevice" TEXT;
