using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Data;

/// <summary>
/// The model is compiled ahead (src/Broadsheet/Data/CompiledModels), so a start does not build it from
/// <c>OnModelCreating</c> (a third of a second). EF uses the compiled one without comparing it to the code, so CI fails
/// here when someone changes the model and forgets to compile it again.
/// </summary>
public sealed partial class CompiledModelTests
{
    [Fact]
    public void The_Sqlite_compiled_model_is_the_model_in_the_code()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        AssertCurrent(db, "Sqlite");
    }

    [Fact]
    public void The_Postgres_compiled_model_is_the_model_in_the_code()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        AssertCurrent(db, "Postgres");
    }

    [Fact]
    public void A_context_runs_on_the_compiled_model()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.Equal("Broadsheet.Data.CompiledModels.Sqlite", ((IModel)sqlite.Model).GetType().Namespace);
        Assert.Equal("Broadsheet.Data.CompiledModels.Postgres", ((IModel)postgres.Model).GetType().Namespace);
    }

    private static void AssertCurrent(BroadsheetDb db, string provider)
    {
        var command = $"from src/Broadsheet: dotnet ef dbcontext optimize --context {db.GetType().Name} " +
            $"--output-dir Data/CompiledModels/{provider} --namespace Broadsheet.Data.CompiledModels.{provider}";
        var folder = Path.Combine(SourceRoot(), "src", "Broadsheet", "Data", "CompiledModels", provider);
        var expected = Generate(db, $"Broadsheet.Data.CompiledModels.{provider}");
        var actual = Directory.GetFiles(folder, "*.cs").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
            $"The compiled model's files differ from the model's entities; run {command}");
        foreach (var (name, code) in expected)
        {
            if (Normalise(code) != Normalise(actual[name]))
            {
                var generated = Path.Combine(Path.GetTempPath(), $"broadsheet-compiled-{provider}-{name}");
                File.WriteAllText(generated, code);
                Assert.Fail($"{name} is out of date (compare it with {generated}); run {command}");
            }
        }
    }

    /// <summary>The files <c>dotnet ef dbcontext optimize</c> writes, generated in memory by the same EF services.</summary>
    private static Dictionary<string, string> Generate(DbContext db, string modelNamespace)
    {
        var providerAssembly = Assembly.Load(new AssemblyName(db.GetService<IDatabaseProvider>().Name));
        var providerServicesType = providerAssembly.GetCustomAttribute<DesignTimeProviderServicesAttribute>()!.TypeName;
        var services = new ServiceCollection().AddEntityFrameworkDesignTimeServices().AddDbContextDesignTimeServices(db);
        ((IDesignTimeServices)Activator.CreateInstance(providerAssembly.GetType(providerServicesType, throwOnError: true)!)!)
            .ConfigureDesignTimeServices(services);
        using var provider = services.BuildServiceProvider();
        var options = new CompiledModelCodeGenerationOptions
        {
            ContextType = db.GetType(), ModelNamespace = modelNamespace, Language = "C#", UseNullableReferenceTypes = true,
        };
        var generator = provider.GetRequiredService<ICompiledModelCodeGeneratorSelector>().Select(options);
        return generator.GenerateModel(db.GetService<IDesignTimeModel>().Model, options)
            .ToDictionary(f => Path.GetFileName(f.Path), f => f.Code);
    }

    // Git may check the files out with either line ending, the tool writes a byte order mark, and each generation
    // gives the model a new random id.
    private static string Normalise(string code) =>
        ModelId().Replace(code.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF'), "modelId: new Guid()");

    [GeneratedRegex("""modelId: new Guid\("[0-9a-f-]+"\)""")]
    private static partial Regex ModelId();

    private static string SourceRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
