using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broadsheet.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Staff : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "staff",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    SecurityStamp = table.Column<Guid>(type: "TEXT", nullable: false),
                    FailedSignIns = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TotpSecretEncrypted = table.Column<byte[]>(type: "BLOB", maxLength: 256, nullable: true),
                    TotpLastStep = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSignInAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "media",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Extension = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    Widths = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Alt = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    OriginalName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    UploadedById = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_media", x => x.Id);
                    table.ForeignKey(
                        name: "FK_media_staff_UploadedById",
                        column: x => x.UploadedById,
                        principalTable: "staff",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "staff_invitations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    InvitedById = table.Column<int>(type: "INTEGER", nullable: true),
                    Nonce = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_invitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_staff_invitations_staff_InvitedById",
                        column: x => x.InvitedById,
                        principalTable: "staff",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            // Added in place (SQLite allows a nullable column with a foreign key): the rebuild EF would do for the
            // foreign keys must switch foreign keys off outside any transaction, and warns on every fresh install.
            migrationBuilder.Sql("ALTER TABLE \"posts\" ADD COLUMN \"CreatedById\" INTEGER NULL CONSTRAINT \"FK_posts_staff_CreatedById\" REFERENCES \"staff\" (\"Id\") ON DELETE SET NULL;");
            migrationBuilder.Sql("ALTER TABLE \"posts\" ADD COLUMN \"CoverMediaId\" INTEGER NULL CONSTRAINT \"FK_posts_media_CoverMediaId\" REFERENCES \"media\" (\"Id\") ON DELETE SET NULL;");

            migrationBuilder.CreateIndex(
                name: "IX_posts_CoverMediaId",
                table: "posts",
                column: "CoverMediaId");

            migrationBuilder.CreateIndex(
                name: "IX_posts_CreatedById",
                table: "posts",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_media_Key",
                table: "media",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_media_UploadedById",
                table: "media",
                column: "UploadedById");

            migrationBuilder.CreateIndex(
                name: "IX_staff_Email",
                table: "staff",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_staff_single_owner",
                table: "staff",
                column: "Role",
                unique: true,
                filter: "\"Role\" = 'Owner'");

            migrationBuilder.CreateIndex(
                name: "IX_staff_invitations_InvitedById",
                table: "staff_invitations",
                column: "InvitedById");

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_posts_media_CoverMediaId",
                table: "posts");

            migrationBuilder.DropForeignKey(
                name: "FK_posts_staff_CreatedById",
                table: "posts");

            migrationBuilder.DropTable(
                name: "media");

            migrationBuilder.DropTable(
                name: "staff_invitations");

            migrationBuilder.DropTable(
                name: "staff");

            migrationBuilder.DropIndex(
                name: "IX_posts_CoverMediaId",
                table: "posts");

            migrationBuilder.DropIndex(
                name: "IX_posts_CreatedById",
                table: "posts");

            migrationBuilder.DropColumn(
                name: "CoverMediaId",
                table: "posts");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "posts");
        }
    }
}
