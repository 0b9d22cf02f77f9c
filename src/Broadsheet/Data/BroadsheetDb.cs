using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Data;

/// <summary>
/// The model, shared by both providers. Each provider has a subclass so that each keeps its own
/// migration set (<see cref="SqliteBroadsheetDb"/>, <see cref="PostgresBroadsheetDb"/>).
/// </summary>
public abstract class BroadsheetDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Author> Authors => Set<Author>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Post>(post =>
        {
            post.ToTable("posts");
            post.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
            post.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
            post.Property(p => p.Language).HasMaxLength(2);
            post.Property(p => p.Title).HasMaxLength(300);
            post.Property(p => p.Slug).HasMaxLength(SlugGenerator.MaxLength);
            post.Property(p => p.Lede).HasMaxLength(2000);
            post.Property(p => p.CoverImageUrl).HasMaxLength(1000);
            post.Property(p => p.CoverImageAlt).HasMaxLength(500);

            // Article pages look a post up by (language, slug); the pair is also the public identity.
            post.HasIndex(p => new { p.Language, p.Slug }).IsUnique();
            // Listings: published posts of one language (and kind), newest first.
            post.HasIndex(p => new { p.Language, p.Status, p.Kind, p.PublishAt });
            // The scheduler asks for scheduled posts whose time has come.
            post.HasIndex(p => new { p.Status, p.PublishAt });
            // One post per language in a translation group.
            post.HasIndex(p => new { p.TranslationKey, p.Language }).IsUnique();

            post.HasMany(p => p.Tags).WithMany(t => t.Posts).UsingEntity(j => j.ToTable("post_tags"));
            post.HasMany(p => p.Authors).WithMany(a => a.Posts).UsingEntity(j => j.ToTable("post_authors"));
        });

        modelBuilder.Entity<Tag>(tag =>
        {
            tag.ToTable("tags");
            tag.Property(t => t.Language).HasMaxLength(2);
            tag.Property(t => t.Slug).HasMaxLength(SlugGenerator.MaxLength);
            tag.Property(t => t.Name).HasMaxLength(100);
            tag.HasIndex(t => new { t.Language, t.Slug }).IsUnique();
        });

        modelBuilder.Entity<Author>(author =>
        {
            author.ToTable("authors");
            author.Property(a => a.Slug).HasMaxLength(SlugGenerator.MaxLength);
            author.Property(a => a.NameEn).HasMaxLength(200);
            author.Property(a => a.NameAr).HasMaxLength(200);
            author.HasIndex(a => a.Slug).IsUnique();
        });
    }
}
