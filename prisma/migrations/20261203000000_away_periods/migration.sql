-- Away periods (who is in today), and on an item the person its owner took it for (a cover).
-- AlterTable
ALTER TABLE "WorkItem" ADD COLUMN     "coveringFor" TEXT;

-- CreateTable
CREATE TABLE "AwayPeriod" (
    "id" TEXT NOT NULL,
    "staffKey" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "coverKey" TEXT,
    "setBy" TEXT NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "endedBy" TEXT,
    "startedAt" TIMESTAMP(3),

    CONSTRAINT "AwayPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AwayPeriod_until_idx" ON "AwayPeriod"("until");

-- CreateIndex
CREATE INDEX "AwayPeriod_staffKey_until_idx" ON "AwayPeriod"("staffKey", "until");
