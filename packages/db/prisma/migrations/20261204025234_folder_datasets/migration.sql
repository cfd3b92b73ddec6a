-- CreateTable
CREATE TABLE "FolderDataset" (
    "dataset" TEXT NOT NULL PRIMARY KEY,
    "label" TEXT NOT NULL,
    "scan" TEXT NOT NULL,
    "images" INTEGER NOT NULL,
    "classCount" INTEGER NOT NULL,
    "registeredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
