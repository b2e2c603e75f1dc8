-- Auto-assignment (issue #15): the round-robin place of each queue, shared by every instance.
-- CreateTable
CREATE TABLE "AssignmentCursor" (
    "queue" TEXT NOT NULL,
    "lastAssignee" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AssignmentCursor_pkey" PRIMARY KEY ("queue")
);
