-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ItemState" AS ENUM ('OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED');

-- CreateTable
CREATE TABLE "PortalMessage" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "resourceId" TEXT,
    "threadKey" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "patientName" TEXT,
    "patientMrn" TEXT,
    "subject" TEXT,
    "body" TEXT,
    "categoryHint" TEXT,
    "link" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "bodyPurgedAt" TIMESTAMP(3),

    CONSTRAINT "PortalMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkItem" (
    "id" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "threadKey" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "redFlags" TEXT[],
    "state" "ItemState" NOT NULL,
    "resumeState" "ItemState",
    "ownerId" TEXT,
    "escalatedBy" TEXT,
    "escalationReason" TEXT,
    "snoozedUntil" TIMESTAMP(3),
    "patientId" TEXT NOT NULL,
    "patientToken" TEXT NOT NULL,
    "patientPcp" TEXT,
    "link" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "messageCount" INTEGER NOT NULL DEFAULT 1,
    "everEscalated" BOOLEAN NOT NULL DEFAULT false,
    "firstMessageAt" TIMESTAMP(3) NOT NULL,
    "lastMessageAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "claimedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "claimDueAt" TIMESTAMP(3),
    "resolveDueAt" TIMESTAMP(3),
    "nextReminderAt" TIMESTAMP(3),
    "reminderLevel" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WorkItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "itemId" TEXT,
    "actor" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "reason" TEXT,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" BIGSERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "itemId" TEXT,
    "platform" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlatformPost" (
    "id" BIGSERIAL NOT NULL,
    "itemId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformPost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationRef" (
    "key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationRef_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "PortalMessage_source_resourceId_idx" ON "PortalMessage"("source", "resourceId");

-- CreateIndex
CREATE INDEX "PortalMessage_itemId_sentAt_idx" ON "PortalMessage"("itemId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "PortalMessage_source_externalId_key" ON "PortalMessage"("source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkItem_seq_key" ON "WorkItem"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "WorkItem_threadKey_key" ON "WorkItem"("threadKey");

-- CreateIndex
CREATE INDEX "WorkItem_state_queue_createdAt_idx" ON "WorkItem"("state", "queue", "createdAt");

-- CreateIndex
CREATE INDEX "WorkItem_nextReminderAt_idx" ON "WorkItem"("nextReminderAt");

-- CreateIndex
CREATE INDEX "WorkItem_ownerId_state_idx" ON "WorkItem"("ownerId", "state");

-- CreateIndex
CREATE INDEX "AuditEvent_itemId_at_idx" ON "AuditEvent"("itemId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Outbox_dedupeKey_key" ON "Outbox"("dedupeKey");

-- CreateIndex
CREATE INDEX "Outbox_doneAt_nextAttemptAt_idx" ON "Outbox"("doneAt", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "PlatformPost_itemId_platform_kind_key" ON "PlatformPost"("itemId", "platform", "kind");

-- AddForeignKey
ALTER TABLE "PortalMessage" ADD CONSTRAINT "PortalMessage_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The audit trail is append-only (DESIGN.md §3, HIPAA 164.312(b)): the database itself
-- refuses to change or remove an event, whatever code asks.
CREATE FUNCTION baton_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION baton_audit_append_only();
