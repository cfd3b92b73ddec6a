-- CreateTable
CREATE TABLE "Run" (
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
    "currentEpoch" INTEGER,
    "totalEpochs" INTEGER,
    "batch" INTEGER,
    "totalBatches" INTEGER,
    "etaSeconds" REAL,
    "progressAt" DATETIME,
    "paramCount" INTEGER,
    "bestEpoch" INTEGER,
    "bestValAcc" REAL,
    "finalTrainAcc" REAL,
    "finalValAcc" REAL,
    "testAcc" REAL,
    "testLoss" REAL,
    "macroF1" REAL,
    "trainSeconds" REAL,
    "resumedFromEpoch" INTEGER,
    CONSTRAINT "Run_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EpochMetric" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'train',
    "loss" REAL NOT NULL,
    "acc" REAL NOT NULL,
    "valLoss" REAL NOT NULL,
    "valAcc" REAL NOT NULL,
    "lr" REAL NOT NULL,
    "seconds" REAL NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EpochMetric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Report" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "testLoss" REAL NOT NULL,
    "testAcc" REAL NOT NULL,
    "overfittingGap" REAL NOT NULL,
    "classNames" TEXT NOT NULL,
    "perClass" TEXT NOT NULL,
    "macroAvg" TEXT NOT NULL,
    "weightedAvg" TEXT NOT NULL,
    "confusionMatrix" TEXT NOT NULL,
    "misclassified" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Report_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "backend" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Run_status_priority_createdAt_idx" ON "Run"("status", "priority", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Run_groupId_idx" ON "Run"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "EpochMetric_runId_epoch_key" ON "EpochMetric"("runId", "epoch");
