-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "epochLimit" INTEGER,
ADD COLUMN     "note" TEXT,
ADD COLUMN     "rung" INTEGER,
ADD COLUMN     "sweepId" TEXT,
ADD COLUMN     "tags" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "metric" TEXT NOT NULL DEFAULT 'valAcc',
    "rungEpochs" TEXT,
    "maxConcurrent" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Sweep_createdAt_idx" ON "Sweep"("createdAt");

-- CreateIndex
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;
