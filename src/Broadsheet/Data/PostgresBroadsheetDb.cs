using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Data;

public sealed class PostgresBroadsheetDb(DbContextOptions<PostgresBroadsheetDb> options) : BroadsheetDb(options);
