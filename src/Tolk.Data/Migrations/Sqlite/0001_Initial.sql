CREATE TABLE "AuditLog" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditLog" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NULL,
    "TimestampUtc" TEXT NOT NULL,
    "Actor" TEXT NULL,
    "Action" TEXT NOT NULL,
    "EntityType" TEXT NOT NULL,
    "EntityId" TEXT NOT NULL,
    "Changes" TEXT NULL
);


CREATE TABLE "IdempotencyRecords" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_IdempotencyRecords" PRIMARY KEY,
    "Scope" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "Path" TEXT NOT NULL,
    "RequestHash" TEXT NOT NULL,
    "StatusCode" INTEGER NOT NULL,
    "ResponseBody" TEXT NOT NULL,
    "Location" TEXT NULL,
    "CreatedUtc" TEXT NOT NULL
);


CREATE TABLE "Settings" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_Settings" PRIMARY KEY,
    "Value" TEXT NOT NULL
);


CREATE TABLE "Tenants" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Tenants" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Domains" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Plan" TEXT NOT NULL,
    "MaxConcurrentCalls" INTEGER NOT NULL,
    "MaxRooms" INTEGER NOT NULL,
    "CreatedUtc" TEXT NOT NULL,
    "Version" INTEGER NOT NULL
);


CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "KeyHash" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "CreatedUtc" TEXT NOT NULL,
    "RevokedUtc" TEXT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_ApiKeys_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Numbers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Numbers" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Did" TEXT NOT NULL,
    "TargetType" INTEGER NOT NULL,
    "Target" TEXT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Numbers_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Rooms" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Rooms" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Extension" TEXT NOT NULL,
    "Languages" TEXT NOT NULL,
    "Participants" TEXT NOT NULL,
    "DelayMs" INTEGER NOT NULL,
    "OriginalMixPercent" INTEGER NOT NULL,
    "EmotionAlerts" INTEGER NOT NULL,
    "EmotionThreshold" REAL NOT NULL,
    "HintPhrases" TEXT NOT NULL,
    "RequireSrtp" INTEGER NOT NULL,
    "Pin" TEXT NULL,
    "RequireAuth" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Rooms_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SipAccounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SipAccounts" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Username" TEXT NOT NULL,
    "Extension" TEXT NULL,
    "DisplayName" TEXT NULL,
    "Realm" TEXT NOT NULL,
    "Ha1Md5" TEXT NOT NULL,
    "Ha1Sha256" TEXT NOT NULL,
    "Language" TEXT NULL,
    "Disabled" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_SipAccounts_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Trunks" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Trunks" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Domain" TEXT NULL,
    "AllowedAddresses" TEXT NOT NULL,
    "TlsFingerprint" TEXT NULL,
    "Disabled" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Trunks_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Usage" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Usage" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "TimestampUtc" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Quantity" TEXT NOT NULL,
    "Unit" TEXT NOT NULL,
    "CallId" TEXT NULL,
    CONSTRAINT "FK_Usage_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Users" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY,
    "TenantId" TEXT NULL,
    "Email" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "PasswordHash" TEXT NOT NULL,
    "Disabled" INTEGER NOT NULL,
    "FailedLogins" INTEGER NOT NULL,
    "LockedUntilUtc" TEXT NULL,
    "CreatedUtc" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Users_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Voices" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Voices" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Language" TEXT NOT NULL,
    "Sample" BLOB NULL,
    "SampleContentType" TEXT NULL,
    "Status" INTEGER NOT NULL,
    "StatusDetail" TEXT NULL,
    "ProviderVoiceId" TEXT NULL,
    "DurationSeconds" REAL NULL,
    "MedianPitchHz" REAL NULL,
    "SpeakingRate" REAL NULL,
    "CreatedUtc" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Voices_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Webhooks" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Webhooks" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Events" TEXT NOT NULL,
    "Secret" TEXT NULL,
    "Disabled" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Webhooks_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "RefreshTokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RefreshTokens" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "ExpiresUtc" TEXT NOT NULL,
    "UsedUtc" TEXT NULL,
    CONSTRAINT "FK_RefreshTokens_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE UNIQUE INDEX "IX_ApiKeys_KeyHash" ON "ApiKeys" ("KeyHash");


CREATE INDEX "IX_ApiKeys_TenantId" ON "ApiKeys" ("TenantId");


CREATE INDEX "IX_AuditLog_TenantId_TimestampUtc" ON "AuditLog" ("TenantId", "TimestampUtc");


CREATE UNIQUE INDEX "IX_IdempotencyRecords_Scope_Key" ON "IdempotencyRecords" ("Scope", "Key");


CREATE UNIQUE INDEX "IX_Numbers_Did" ON "Numbers" ("Did");


CREATE INDEX "IX_Numbers_TenantId" ON "Numbers" ("TenantId");


CREATE UNIQUE INDEX "IX_RefreshTokens_TokenHash" ON "RefreshTokens" ("TokenHash");


CREATE INDEX "IX_RefreshTokens_UserId" ON "RefreshTokens" ("UserId");


CREATE UNIQUE INDEX "IX_Rooms_TenantId_Extension" ON "Rooms" ("TenantId", "Extension");


CREATE UNIQUE INDEX "IX_SipAccounts_TenantId_Username" ON "SipAccounts" ("TenantId", "Username");


CREATE INDEX "IX_Trunks_TenantId" ON "Trunks" ("TenantId");


CREATE INDEX "IX_Usage_TenantId_TimestampUtc" ON "Usage" ("TenantId", "TimestampUtc");


CREATE UNIQUE INDEX "IX_Users_Email" ON "Users" ("Email");


CREATE INDEX "IX_Users_TenantId" ON "Users" ("TenantId");


CREATE INDEX "IX_Voices_TenantId" ON "Voices" ("TenantId");


CREATE INDEX "IX_Webhooks_TenantId" ON "Webhooks" ("TenantId");


