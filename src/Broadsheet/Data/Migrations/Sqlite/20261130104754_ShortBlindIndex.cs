using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broadsheet.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShortBlindIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The blind index is now HMAC-SHA256 cut to 128 bits (AddressProtector.BlindIndexSize): the first 16
            // bytes of what was stored are exactly what the new code computes, so existing readers are still found.
            migrationBuilder.Sql("""UPDATE subscribers SET "EmailIndex" = substr("EmailIndex", 1, 16) WHERE length("EmailIndex") > 16;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The cut bytes cannot be recomputed without each address and the key; an older version would have to
            // find subscribers by the short index, which it does not. Nothing to undo in the schema.
        }
    }
}
