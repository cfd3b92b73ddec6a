-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "preset" TEXT NOT NULL,
    "presetVersion" INTEGER NOT NULL,
    "dataset" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "groupId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "error" TEXT,
    "workerId" TEXT,
    "leaseExpiresAt" DATETIME,
    "heartbeatAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "backend" TEXT,
    "backendDevice" TEXT,
    "currentEpoch" INTEGER,
    "totalEpochs" INTEGER,
    "batch" INTEGER,
    "totalBatches" INTEGER,
    "etaSeconds" REAL,
    "etaLowerBound" BOOLEAN NOT NULL DEFAULT false,
    "progressAt" DATETIME,
    "stage" TEXT,
    "cacheDone" INTEGER,
    "cacheTotal" INTEGER,
    "paramCount" INTEGER,
    "bestEpoch" INTEGER,
    "bestValAcc" REAL,
    "finalTrainAcc" REAL,
    "finalValAcc" REAL,
    "testAcc" REAL,
    "testLoss" REAL,
    "macroF1" REAL,
    "trainSeconds" REAL,
    "timing" TEXT,
    "resumedFromEpoch" INTEGER,
    "skippedFiles" INTEGER,
    "skippedReport" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "note" TEXT,
    "sweepId" TEXT,
    "rung" INTEGER,
    "epochLimit" INTEGER,
    CONSTRAINT "Run_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("attempts", "backend", "backendDevice", "batch", "bestEpoch", "bestValAcc", "cacheDone", "cacheTotal", "cancelRequested", "config", "createdAt", "currentEpoch", "dataset", "epochLimit", "error", "etaSeconds", "finalTrainAcc", "finalValAcc", "finishedAt", "groupId", "heartbeatAt", "id", "leaseExpiresAt", "macroF1", "maxAttempts", "name", "note", "paramCount", "preset", "presetVersion", "priority", "progressAt", "resumedFromEpoch", "rung", "skippedFiles", "skippedReport", "stage", "startedAt", "status", "sweepId", "tags", "testAcc", "testLoss", "totalBatches", "totalEpochs", "trainSeconds", "workerId") SELECT "attempts", "backend", "backendDevice", "batch", "bestEpoch", "bestValAcc", "cacheDone", "cacheTotal", "cancelRequested", "config", "createdAt", "currentEpoch", "dataset", "epochLimit", "error", "etaSeconds", "finalTrainAcc", "finalValAcc", "finishedAt", "groupId", "heartbeatAt", "id", "leaseExpiresAt", "macroF1", "maxAttempts", "name", "note", "paramCount", "preset", "presetVersion", "priority", "progressAt", "resumedFromEpoch", "rung", "skippedFiles", "skippedReport", "stage", "startedAt", "status", "sweepId", "tags", "testAcc", "testLoss", "totalBatches", "totalEpochs", "trainSeconds", "workerId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_status_priority_createdAt_idx" ON "Run"("status", "priority", "createdAt");
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");
CREATE INDEX "Run_groupId_idx" ON "Run"("groupId");
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
