using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broadsheet.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DigestEditions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ApprovedAt",
                table: "editions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CuratedAt",
                table: "editions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Intro",
                table: "editions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Opens",
                table: "editions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "PreparedAt",
                table: "editions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReviewedById",
                table: "editions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SendId",
                table: "editions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SentAt",
                table: "editions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Subject",
                table: "editions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "edition_clicks",
                columns: table => new
                {
                    EditionId = table.Column<long>(type: "bigint", nullable: false),
                    PostId = table.Column<int>(type: "integer", nullable: false),
                    Clicks = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_edition_clicks", x => new { x.EditionId, x.PostId });
                    table.ForeignKey(
                        name: "FK_edition_clicks_editions_EditionId",
                        column: x => x.EditionId,
                        principalTable: "editions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_edition_clicks_posts_PostId",
                        column: x => x.PostId,
                        principalTable: "posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_templates",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_newsletter_templates", x => x.Name);
                    table.ForeignKey(
                        name: "FK_newsletter_templates_staff_UpdatedById",
                        column: x => x.UpdatedById,
                        principalTable: "staff",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "post_views",
                columns: table => new
                {
                    PostId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Views = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_post_views", x => new { x.PostId, x.Day });
                    table.ForeignKey(
                        name: "FK_post_views_posts_PostId",
                        column: x => x.PostId,
                        principalTable: "posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_editions_ReviewedById",
                table: "editions",
                column: "ReviewedById");

            migrationBuilder.CreateIndex(
                name: "IX_editions_SendId",
                table: "editions",
                column: "SendId");

            migrationBuilder.CreateIndex(
                name: "IX_editions_Status_ScheduledFor",
                table: "editions",
                columns: new[] { "Status", "ScheduledFor" });

            migrationBuilder.CreateIndex(
                name: "IX_edition_clicks_PostId",
                table: "edition_clicks",
                column: "PostId");

            migrationBuilder.CreateIndex(
                name: "IX_newsletter_templates_UpdatedById",
                table: "newsletter_templates",
                column: "UpdatedById");

            migrationBuilder.AddForeignKey(
                name: "FK_editions_sends_SendId",
                table: "editions",
                column: "SendId",
                principalTable: "sends",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_editions_staff_ReviewedById",
                table: "editions",
                column: "ReviewedById",
                principalTable: "staff",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_editions_sends_SendId",
                table: "editions");

            migrationBuilder.DropForeignKey(
                name: "FK_editions_staff_ReviewedById",
                table: "editions");

            migrationBuilder.DropTable(
                name: "edition_clicks");

            migrationBuilder.DropTable(
                name: "newsletter_templates");

            migrationBuilder.DropTable(
                name: "post_views");

            migrationBuilder.DropIndex(
                name: "IX_editions_ReviewedById",
                table: "editions");

            migrationBuilder.DropIndex(
                name: "IX_editions_SendId",
                table: "editions");

            migrationBuilder.DropIndex(
                name: "IX_editions_Status_ScheduledFor",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "ApprovedAt",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "CuratedAt",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "Intro",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "Opens",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "PreparedAt",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "ReviewedById",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "SendId",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "SentAt",
                table: "editions");

            migrationBuilder.DropColumn(
                name: "Subject",
                table: "editions");
        }
    }
}
