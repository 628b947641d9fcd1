CREATE TABLE "Transcripts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Transcripts" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "RoomId" TEXT NOT NULL,
    "ParticipantId" TEXT NOT NULL,
    "Language" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "Translations" TEXT NOT NULL,
    "Emotion" TEXT NULL,
    "EmotionValence" REAL NULL,
    "EmotionArousal" REAL NULL,
    "EmotionConfidence" REAL NULL,
    "SpeechStartUtc" TEXT NOT NULL,
    "SpeechEndUtc" TEXT NOT NULL,
    "TimestampUtc" TEXT NOT NULL,
    CONSTRAINT "FK_Transcripts_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "WebhookDeliveries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WebhookDeliveries" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "WebhookId" TEXT NOT NULL,
    "EventId" TEXT NOT NULL,
    "Event" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastStatusCode" INTEGER NULL,
    "LastError" TEXT NULL,
    "CreatedUtc" TEXT NOT NULL,
    "LastAttemptUtc" TEXT NULL,
    "DeliveredUtc" TEXT NULL,
    CONSTRAINT "FK_WebhookDeliveries_Webhooks_WebhookId" FOREIGN KEY ("WebhookId") REFERENCES "Webhooks" ("Id") ON DELETE CASCADE
);


CREATE INDEX "IX_Transcripts_TenantId_RoomId_TimestampUtc" ON "Transcripts" ("TenantId", "RoomId", "TimestampUtc");


CREATE INDEX "IX_WebhookDeliveries_WebhookId_Id" ON "WebhookDeliveries" ("WebhookId", "Id");


