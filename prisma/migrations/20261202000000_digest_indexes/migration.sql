-- The digest aggregates in SQL: each window (24 h, 7 days) finds its rows by the time stamp it counts.
-- CreateIndex
CREATE INDEX "WorkItem_createdAt_idx" ON "WorkItem"("createdAt");

-- CreateIndex
CREATE INDEX "WorkItem_claimedAt_idx" ON "WorkItem"("claimedAt");

-- CreateIndex
CREATE INDEX "WorkItem_resolvedAt_idx" ON "WorkItem"("resolvedAt");

