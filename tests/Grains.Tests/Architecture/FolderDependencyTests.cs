using System.Reflection;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Testing;
using NetArchTest.Rules;

namespace K8sWebhookHandler.Grains.Tests.Architecture;

/// <summary>
/// The folders of src/Grains and the folders each may use, as docs/architecture.md draws them. Read from the
/// compiled assembly, so a fully qualified name or a type used without a <c>using</c> counts as much as one with.
/// </summary>
public sealed class FolderDependencyTests
{
    private const string Root = "K8sWebhookHandler.Grains";

    private static readonly Assembly Grains = typeof(RepositoryGrain).Assembly;

    /// <summary>
    /// Each folder and the folders it may use besides itself (the Abstractions and libraries are open to all). The
    /// adapters (Git, Kubernetes) implement the ports of Processing and Superseding and never use each other;
    /// Processing and Superseding use no adapter; only Hosting, the composition root, sees everything.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Failures"] = [],
        ["Telemetry"] = [],
        ["Configuration"] = [],
        ["Storage"] = ["Configuration"],
        ["Delivery"] = ["Configuration"],
        ["PullRequests"] = ["Configuration"],
        ["Manifests"] = ["Configuration", "Failures"],
        ["Superseding"] = ["Configuration", "Failures", "Manifests"],
        ["Processing"] = ["Failures", "Manifests", "PullRequests", "Superseding"],
        ["Git"] = ["Configuration", "Failures", "Processing", "Storage", "Superseding", "Telemetry"],
        ["Reporting"] = ["Configuration", "Failures"],
        ["Recovery"] = ["Configuration", "Delivery", "Failures", "Repositories", "Telemetry"],
        ["GitHub"] = ["Configuration", "Failures", "Recovery", "Reporting"],
        ["Kubernetes"] = ["Configuration", "Failures", "Manifests", "Processing", "Reporting", "Storage", "Superseding", "Telemetry"],
        ["Repositories"] = ["Delivery", "Failures", "Processing", "PullRequests", "Reporting", "Storage", "Superseding", "Telemetry"],
        ["Health"] = ["Failures", "Kubernetes", "Repositories", "Storage"],
        ["Hosting"] = ["Configuration", "Delivery", "Failures", "Git", "GitHub", "Health", "Kubernetes", "Manifests", "Processing", "PullRequests", "Recovery", "Reporting", "Repositories", "Storage", "Superseding", "Telemetry"],
    };

    /// <summary>The folders that may not use every other one (Hosting may).</summary>
    public static TheoryData<string> Folders() => new(Allowed.Keys.Where(f => Forbidden(f).Length > 0));

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_UsesOnlyTheFoldersItMay(string folder)
    {
        // By whole namespace segments: Git is not GitHub.
        var result = Types.InAssembly(Grains).That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(Namespace(folder))}(\\.|$)")
            .ShouldNot().HaveDependencyOnAny(Forbidden(folder)).GetResult();

        Assert.True(result.IsSuccessful,
            $"{folder} may use only {string.Join(", ", Allowed[folder].DefaultIfEmpty("no other folder"))}; these of its types use more: " +
            string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    [Fact]
    public void EveryFolderOfTheAssembly_HasARule()
    {
        var folders = Grains.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(ns => ns.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(ns => ns[(Root.Length + 1)..].Split('.')[0])
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void TheRules_HaveNoCycle()
    {
        // Kahn's algorithm: a folder is placed once every folder it uses is placed; what is never placed is in a cycle.
        var placed = new List<string>();
        var left = Allowed.Keys.ToHashSet();
        while (left.FirstOrDefault(f => Allowed[f].All(placed.Contains)) is { } next)
        {
            placed.Add(next);
            left.Remove(next);
        }

        Assert.Empty(left);
    }

    [Fact]
    public void NothingInTheGrainsAssembly_UsesAspNetCore()
    {
        var result = Types.InAssembly(Grains).ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore").GetResult();

        Assert.True(result.IsSuccessful,
            "ASP.NET belongs to the Api, the Silo and K8sWebhookHandler.Hosting; these grain types use it: " +
            string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    [Fact]
    public void TheTableInDocsArchitecture_SaysWhatThisTestEnforces()
    {
        // Rows of the form | `Folder` | role | `A`, `B` or — |; the role may not contain a pipe.
        var rows = File.ReadLines(Path.Combine(RepositoryPaths.Root, "docs", "architecture.md"))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 5 && cells[1].StartsWith('`') && Allowed.ContainsKey(cells[1].Trim('`')))
            .ToDictionary(
                cells => cells[1].Trim('`'),
                cells => cells[3] == "—" ? "" : string.Join(", ", cells[3].Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)));

        var expected = Allowed.ToDictionary(
            rule => rule.Key,
            rule => rule.Key == "Hosting" ? "everything" : string.Join(", ", rule.Value.Order(StringComparer.Ordinal)));
        Assert.Equal(expected.OrderBy(r => r.Key, StringComparer.Ordinal), rows.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    private static string Namespace(string folder) => $"{Root}.{folder}";

    private static string[] Forbidden(string folder) =>
        Allowed.Keys.Where(other => other != folder && !Allowed[folder].Contains(other)).Select(Namespace).ToArray();
}
