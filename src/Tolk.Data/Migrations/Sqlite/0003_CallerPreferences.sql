ALTER TABLE "SipAccounts" ADD "Voice" TEXT NULL;


ALTER TABLE "Rooms" ADD "EmotionLabels" TEXT NOT NULL DEFAULT '[]';


ALTER TABLE "WebhookDeliveries" ADD "Payload" TEXT NULL;


CREATE TABLE "CallerLanguages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CallerLanguages" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "CallerKey" TEXT NOT NULL,
    "Language" TEXT NOT NULL,
    "UpdatedUtc" TEXT NOT NULL,
    CONSTRAINT "FK_CallerLanguages_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE UNIQUE INDEX "IX_CallerLanguages_TenantId_CallerKey" ON "CallerLanguages" ("TenantId", "CallerKey");
