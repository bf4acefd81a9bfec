using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Whose an existing object or namespace is, read from the marks the handler stamps.</summary>
public sealed class OwnershipTests
{
    private static JsonObject Existing(JsonObject? labels, JsonObject? annotations) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "build", ["labels"] = labels, ["annotations"] = annotations },
    };

    private static JsonObject Stamped(string repository, string delivery = "d-1") => Existing(
        new JsonObject
        {
            [StampKeys.ManagedByLabel] = StampKeys.ManagedByValue,
            [StampKeys.RepositoryLabel] = LabelValues.From(repository.ToLowerInvariant()),
            [StampKeys.DeliveryLabel] = delivery,
        },
        new JsonObject { [StampKeys.RepoName] = repository });

    [Fact]
    public void SameRepository_InAnyCase_MayChange()
    {
        Assert.Null(ObjectOwnership.RefusalToChange(Stamped("Owner/Repo"), "Workflow ci/build", TestEvents.Push("owner/repo")));
    }

    [Fact]
    public void RepositoriesWhoseLabelsCollide_AreToldApartByTheAnnotation()
    {
        // '/' and '.' both become '.' in a label: these two share the label value a.b.c.
        var existing = Stamped("a.b/c");

        var refusal = ObjectOwnership.RefusalToChange(existing, "Workflow ci/build", TestEvents.Push("a/b.c"));

        Assert.Equal("a.b.c", existing["metadata"]!["labels"]![StampKeys.RepositoryLabel]!.GetValue<string>());
        Assert.Equal("Workflow ci/build belongs to the handler's objects of a.b/c; a/b.c may not change it", refusal);
    }

    [Theory]
    [InlineData(null, "it has no app.kubernetes.io/managed-by label")]
    [InlineData("Helm", "it is managed by Helm")]
    public void ObjectWithoutTheHandlersMark_IsNotTheHandlersToChange(string? managedBy, string why)
    {
        var existing = Existing(new JsonObject { [StampKeys.ManagedByLabel] = managedBy }, null);

        var refusal = ObjectOwnership.RefusalToChange(existing, "ConfigMap ci/build", TestEvents.Push("o/r"));

        Assert.Equal($"ConfigMap ci/build exists and was not made by the handler ({why}); the handler changes only objects it made", refusal);
    }

    [Fact]
    public void HandlersMarkWithoutARepository_IsRefused()
    {
        var existing = Existing(new JsonObject { [StampKeys.ManagedByLabel] = StampKeys.ManagedByValue }, null);

        Assert.Equal("Workflow ci/build belongs to the handler's objects of no repository; o/r may not change it",
            ObjectOwnership.RefusalToChange(existing, "Workflow ci/build", TestEvents.Push("o/r")));
    }

    [Fact]
    public void MarksOfAnotherType_AreNotTakenForOwnership()
    {
        var existing = Stamped("o/r");
        existing["metadata"]!["annotations"]![StampKeys.RepoName] = 7;

        Assert.NotNull(ObjectOwnership.RefusalToChange(existing, "Workflow ci/build", TestEvents.Push("o/r")));
    }

    [Fact]
    public void GeneratedObject_CountsAsDoneOnlyForTheDeliveryThatMadeIt()
    {
        var push = TestEvents.Push("o/r", delivery: "d-1");

        Assert.Null(ObjectOwnership.RefusalToAdopt(Stamped("o/r", "d-1"), "Workflow ci/build-x", push));
        Assert.Equal("Workflow ci/build-x exists but was made by delivery d-2, not by d-1",
            ObjectOwnership.RefusalToAdopt(Stamped("o/r", "d-2"), "Workflow ci/build-x", push));
    }

    public static TheoryData<JsonObject?, JsonObject?, NamespaceClaim> Namespaces => new()
    {
        { null, null, NamespaceClaim.Foreign },
        { new JsonObject { [StampKeys.OwnedNamespaceLabel] = "false" }, null, NamespaceClaim.Foreign },
        { Owned("owner.repo", "refs.heads.feat.x"), Exact("Owner/Repo", "refs/heads/feat/x"), NamespaceClaim.ThisBranch },
        { Owned("owner.repo", "refs.heads.feat.x"), Exact("owner/repo", "refs/heads/feat.x"), NamespaceClaim.OtherBranch },
        { Owned("owner.repo", "refs.heads.feat.x"), Exact("other/repo", "refs/heads/feat/x"), NamespaceClaim.OtherBranch },
        { Owned("owner.repo", "refs.heads.feat.x"), new JsonObject { [StampKeys.RepoName] = "owner/repo" }, NamespaceClaim.OtherBranch },
        { Owned("owner.repo", "refs.heads.feat.x"), null, NamespaceClaim.ThisBranchByLabels },
        { Owned("owner.repo", "refs.heads.main"), null, NamespaceClaim.OtherBranch },
        { Owned("other.repo", "refs.heads.feat.x"), null, NamespaceClaim.OtherBranch },
    };

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void NamespaceClaim_FollowsTheExactAnnotations_AndLabelsOnlyForOldNamespaces(JsonObject? labels, JsonObject? annotations, NamespaceClaim expected)
    {
        var ns = Existing(labels?.DeepClone().AsObject(), annotations?.DeepClone().AsObject());

        Assert.Equal(expected, BranchNamespaces.Claim(ns, TestEvents.Push("owner/repo", "feat/x")).Claim);
    }

    private static JsonObject Owned(string repository, string @ref) => new()
    {
        [StampKeys.OwnedNamespaceLabel] = "true",
        [StampKeys.RepositoryLabel] = repository,
        [StampKeys.RefLabel] = @ref,
    };

    private static JsonObject Exact(string repository, string @ref) => new() { [StampKeys.RepoName] = repository, [StampKeys.Ref] = @ref };
}
