-- CreateTable
CREATE TABLE "FolderDataset" (
    "dataset" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "scan" TEXT NOT NULL,
    "images" INTEGER NOT NULL,
    "classCount" INTEGER NOT NULL,
    "registeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FolderDataset_pkey" PRIMARY KEY ("dataset")
);
