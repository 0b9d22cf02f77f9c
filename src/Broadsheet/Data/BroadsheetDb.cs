using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
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
    public DbSet<Subscriber> Subscribers => Set<Subscriber>();
    public DbSet<ConsentRecord> Consents => Set<ConsentRecord>();
    public DbSet<ImportConsent> ImportConsents => Set<ImportConsent>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<Send> Sends => Set<Send>();
    public DbSet<DeliveryRecord> Deliveries => Set<DeliveryRecord>();
    public DbSet<WorkerLease> WorkerLeases => Set<WorkerLease>();
    public DbSet<BounceEvent> BounceEvents => Set<BounceEvent>();
    public DbSet<StaffMember> StaffMembers => Set<StaffMember>();
    public DbSet<MediaItem> Media => Set<MediaItem>();
    public DbSet<SiteSetting> Settings => Set<SiteSetting>();
    public DbSet<Edition> Editions => Set<Edition>();
    public DbSet<EditionItem> EditionItems => Set<EditionItem>();
    public DbSet<PostViewDay> PostViews => Set<PostViewDay>();
    public DbSet<EditionClick> EditionClicks => Set<EditionClick>();
    public DbSet<NewsletterTemplate> NewsletterTemplates => Set<NewsletterTemplate>();
    public DbSet<StaffInvitation> StaffInvitations => Set<StaffInvitation>();
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();
    public DbSet<KeyFingerprint> KeyFingerprints => Set<KeyFingerprint>();

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
            // Whose post it is in the admin (authors publish their own); kept when the account goes.
            post.HasOne<StaffMember>().WithMany().HasForeignKey(p => p.CreatedById).OnDelete(DeleteBehavior.SetNull);
            post.HasOne(p => p.CoverMedia).WithMany().HasForeignKey(p => p.CoverMediaId).OnDelete(DeleteBehavior.SetNull);

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

        modelBuilder.Entity<Subscriber>(subscriber =>
        {
            subscriber.ToTable("subscribers");
            subscriber.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            subscriber.Property(s => s.EmailEncrypted).HasMaxLength(512);
            subscriber.Property(s => s.EmailIndex).HasMaxLength(AddressProtector.BlindIndexSize);
            subscriber.Property(s => s.NameEncrypted).HasMaxLength(1024);
            // Every lookup by address goes through the blind index; unique so a race cannot make two rows.
            subscriber.HasIndex(s => s.EmailIndex).IsUnique();
            // Sends select active subscribers by language.
            subscriber.HasIndex(s => new { s.Status, s.Languages });
            subscriber.HasMany(s => s.Consents).WithOne().HasForeignKey(c => c.SubscriberId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConsentRecord>(consent =>
        {
            consent.ToTable("consents");
            consent.Property(c => c.Action).HasConversion<string>().HasMaxLength(24);
            consent.Property(c => c.Source).HasMaxLength(300);
            consent.Property(c => c.Language).HasMaxLength(8);
            consent.Property(c => c.IpHash).HasMaxLength(16);
        });

        modelBuilder.Entity<ImportConsent>(import =>
        {
            import.ToTable("import_consents");
            import.Property(i => i.Id).ValueGeneratedNever();
            import.Property(i => i.Source).HasMaxLength(300);
            import.Property(i => i.Language).HasMaxLength(8);
        });

        modelBuilder.Entity<Suppression>(suppression =>
        {
            suppression.ToTable("suppressions");
            suppression.Property(s => s.Reason).HasConversion<string>().HasMaxLength(16);
            suppression.Property(s => s.AddressHash).HasMaxLength(32);
            suppression.HasIndex(s => s.AddressHash).IsUnique();
        });

        modelBuilder.Entity<Send>(send =>
        {
            send.ToTable("sends");
            send.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            send.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            send.Property(s => s.Language).HasMaxLength(2);
            send.Property(s => s.Subject).HasMaxLength(300);
            send.Property(s => s.FailureReason).HasMaxLength(500);
            // Workers look for sends to materialise or resume by status.
            send.HasIndex(s => s.Status);
            send.HasOne<Subscriber>().WithMany().HasForeignKey(s => s.SubscriberId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DeliveryRecord>(delivery =>
        {
            delivery.ToTable("deliveries");
            delivery.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
            delivery.Property(d => d.LeaseOwner).HasMaxLength(100);
            delivery.Property(d => d.LastResult).HasMaxLength(300);
            // One row per recipient per send: materialising twice (a restart, a second instance) cannot add a copy.
            delivery.HasIndex(d => new { d.SendId, d.SubscriberId }).IsUnique();
            // The claim asks, per send, for rows in one state whose time has come, oldest first: one index range per
            // question, so rows already sent (most of a big send) are never scanned again. Also finds expired leases.
            delivery.HasIndex(d => new { d.State, d.SendId, d.NextAttemptAt });
            // Erasure and a subscriber's history find their deliveries.
            delivery.HasIndex(d => d.SubscriberId);
            delivery.HasOne<Send>().WithMany().HasForeignKey(d => d.SendId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasOne<Subscriber>().WithMany().HasForeignKey(d => d.SubscriberId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<BounceEvent>(bounce =>
        {
            bounce.ToTable("bounce_events");
            bounce.Property(b => b.Kind).HasConversion<string>().HasMaxLength(16);
            bounce.Property(b => b.Status).HasMaxLength(16);
            // Soft bounces of one subscriber in the last 30 days.
            bounce.HasIndex(b => new { b.SubscriberId, b.At });
            // One report per delivery and kind: a bounce polled twice (or posted to the webhook too) counts once.
            bounce.HasIndex(b => new { b.DeliveryId, b.Kind }).IsUnique();
            bounce.HasOne<Subscriber>().WithMany().HasForeignKey(b => b.SubscriberId).OnDelete(DeleteBehavior.Cascade);
            bounce.HasOne<DeliveryRecord>().WithMany().HasForeignKey(b => b.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StaffMember>(member =>
        {
            member.ToTable("staff");
            member.Property(s => s.Email).HasMaxLength(254);
            member.Property(s => s.Name).HasMaxLength(StaffService.MaxNameLength);
            member.Property(s => s.Role).HasConversion<string>().HasMaxLength(16);
            member.Property(s => s.Language).HasMaxLength(8);
            member.Property(s => s.PasswordHash).HasMaxLength(512);
            member.Property(s => s.TotpSecretEncrypted).HasMaxLength(256);
            // Sign-in finds a colleague by address; unique so two accounts can never share one.
            member.HasIndex(s => s.Email).IsUnique();
            // One owner: two set-up forms submitted at once cannot both make one (the same SQL on both databases).
            member.HasIndex(s => s.Role).IsUnique().HasFilter("\"Role\" = 'Owner'").HasDatabaseName("IX_staff_single_owner");
        });

        modelBuilder.Entity<MediaItem>(media =>
        {
            media.ToTable("media");
            media.Property(m => m.Key).HasMaxLength(32);
            media.Property(m => m.Extension).HasMaxLength(8);
            media.Property(m => m.Widths).HasMaxLength(100);
            media.Property(m => m.Alt).HasMaxLength(500);
            media.Property(m => m.OriginalName).HasMaxLength(200);
            media.HasIndex(m => m.Key).IsUnique();
            media.HasOne<StaffMember>().WithMany().HasForeignKey(m => m.UploadedById).OnDelete(DeleteBehavior.SetNull);
            media.Ignore(m => m.WidthList);
        });

        modelBuilder.Entity<Edition>(edition =>
        {
            edition.ToTable("editions");
            edition.Property(e => e.Newsletter).HasMaxLength(32);
            edition.Property(e => e.Language).HasMaxLength(8);
            edition.Property(e => e.PeriodKey).HasMaxLength(16);
            edition.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
            // The once-per-period guarantee: a second insert for the same period fails, whoever makes it.
            edition.HasIndex(e => new { e.Newsletter, e.Language, e.PeriodKey }).IsUnique();
            edition.HasIndex(e => new { e.Status, e.ScheduledFor });
            edition.Property(e => e.Subject).HasMaxLength(Broadsheet.Delivery.SendService.MaxSubjectLength);
            edition.Property(e => e.Intro).HasMaxLength(Edition.MaxIntroLength);
            edition.HasOne<StaffMember>().WithMany().HasForeignKey(e => e.ReviewedById).OnDelete(DeleteBehavior.SetNull);
            edition.HasOne<Send>().WithMany().HasForeignKey(e => e.SendId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<PostViewDay>(view =>
        {
            view.ToTable("post_views");
            view.HasKey(v => new { v.PostId, v.Day });
            view.HasOne<Post>().WithMany().HasForeignKey(v => v.PostId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<EditionClick>(click =>
        {
            click.ToTable("edition_clicks");
            click.HasKey(c => new { c.EditionId, c.PostId });
            click.HasOne<Edition>().WithMany().HasForeignKey(c => c.EditionId).OnDelete(DeleteBehavior.Cascade);
            click.HasOne<Post>().WithMany().HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<NewsletterTemplate>(template =>
        {
            template.ToTable("newsletter_templates");
            template.HasKey(t => t.Name);
            template.Property(t => t.Name).HasMaxLength(32);
            template.HasOne<StaffMember>().WithMany().HasForeignKey(t => t.UpdatedById).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<EditionItem>(item =>
        {
            item.ToTable("edition_items");
            item.Property(i => i.Newsletter).HasMaxLength(32);
            item.Property(i => i.Section).HasConversion<string>().HasMaxLength(16);
            item.HasIndex(i => new { i.EditionId, i.PostId }).IsUnique();
            // A post goes out in one digest edition only, whoever fills editions and however often.
            item.HasIndex(i => i.PostId).IsUnique().HasFilter("\"Newsletter\" = 'digest'").HasDatabaseName("IX_edition_items_digest_post");
            item.HasOne<Edition>().WithMany().HasForeignKey(i => i.EditionId).OnDelete(DeleteBehavior.Cascade);
            item.HasOne<Post>().WithMany().HasForeignKey(i => i.PostId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SiteSetting>(setting =>
        {
            setting.ToTable("settings");
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(100);
            setting.Property(s => s.Value).HasMaxLength(4000);
            setting.HasOne<StaffMember>().WithMany().HasForeignKey(s => s.UpdatedById).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<StaffInvitation>(invitation =>
        {
            invitation.ToTable("staff_invitations");
            invitation.Property(i => i.Email).HasMaxLength(254);
            invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
            invitation.Property(i => i.Language).HasMaxLength(8);
            invitation.HasOne<StaffMember>().WithMany().HasForeignKey(i => i.InvitedById).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<WorkerLease>(lease =>
        {
            lease.ToTable("worker_leases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasMaxLength(64);
            lease.Property(l => l.Owner).HasMaxLength(100);
        });

        modelBuilder.Entity<DataProtectionKeyRecord>(key =>
        {
            key.ToTable("data_protection_keys");
            key.Property(k => k.FriendlyName).HasMaxLength(100);
            // A key's XML is about 1 KB; no limit, so a future algorithm's larger descriptor still fits.
        });

        modelBuilder.Entity<KeyFingerprint>(fingerprint =>
        {
            fingerprint.ToTable("key_fingerprints");
            // The name is the key: inserting a second fingerprint for one key fails, which is what makes the first
            // start's insert race-safe across instances.
            fingerprint.HasKey(f => f.Name);
            fingerprint.Property(f => f.Name).HasMaxLength(64);
            fingerprint.Property(f => f.Fingerprint).HasMaxLength(64);
        });
    }
}
