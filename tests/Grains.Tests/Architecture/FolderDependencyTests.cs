using System.Reflection;
using K8sWebhookHandler.Grains.Repositories;
using NetArchTest.Rules;

namespace K8sWebhookHandler.Grains.Tests.Architecture;

/// <summary>
/// The folders of src/Grains and the folders each may use, as docs/architecture.md draws them. Read from the
/// compiled assembly, so a fully qualified name or a type used without a <c>using</c> counts as well.
/// </summary>
public sealed class FolderDependencyTests
{
    private const string Root = "K8sWebhookHandler.Grains";

    private static readonly Assembly Grains = typeof(RepositoryGrain).Assembly;

    /// <summary>Each folder and the folders it may depend on (besides itself, the Abstractions and the libraries).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Manifests"] = [],
        ["Processing"] = ["Manifests"],
        ["Git"] = ["Processing"],
        ["Kubernetes"] = ["Processing", "Manifests"],
        ["Repositories"] = ["Processing"],
        ["Storage"] = [],
        ["Configuration"] = ["Processing", "Manifests", "Git", "Kubernetes", "Repositories", "Storage"],
        ["Health"] = ["Kubernetes", "Configuration"],
    };

    public static TheoryData<string> Folders() => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_DependsOnlyOnTheFoldersItMayUse(string folder)
    {
        var forbidden = Allowed.Keys.Where(other => other != folder && !Allowed[folder].Contains(other)).Select(f => $"{Root}.{f}").ToArray();

        var result = Types.InAssembly(Grains).That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful,
            $"{folder} may use only {string.Join(", ", Allowed[folder].DefaultIfEmpty("no other folder"))}; these types use more: " +
            string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }
}
