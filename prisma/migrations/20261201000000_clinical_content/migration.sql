-- Safety-first routing: a current symptom in a clerical request is flagged on the item.
ALTER TABLE "WorkItem" ADD COLUMN "clinicalContent" BOOLEAN NOT NULL DEFAULT false;
