-- On call for the physician pool: a pool escalation offered first to the on-call physician
-- (her staff key) and when it goes to the whole pool if still unclaimed. The sweep finds that
-- time through "nextReminderAt" (its index), so no index of its own.
ALTER TABLE "WorkItem" ADD COLUMN     "onCallId" TEXT,
ADD COLUMN     "poolFallbackAt" TIMESTAMP(3);
