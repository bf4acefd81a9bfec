using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed partial class ManifestStamperTests
{
    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    private static JsonObject Workflow(JsonObject? annotations = null) => new()
    {
        ["apiVersion"] = "argoproj.io/v1alpha1",
        ["kind"] = "Workflow",
        ["metadata"] = new JsonObject { ["generateName"] = "build-", ["annotations"] = annotations },
        ["spec"] = new JsonObject { ["entrypoint"] = "main" },
    };

    [Fact]
    public void Stamp_AddsTheEightAnnotations_AndKeepsTheUsersOwn()
    {
        var push = TestEvents.Push("Octo/Hello-World", "main", after: TestEvents.Sha(2), before: TestEvents.Sha(1));
        var user = new JsonObject { ["workflows.argoproj.io/description"] = "mine", [StampKeys.EventType] = "spoofed" };

        var stamped = Assert.Single(ManifestStamper.Stamp([Workflow(user)], push, push.Revision));

        var annotations = stamped["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("mine", annotations["workflows.argoproj.io/description"]!.GetValue<string>());
        Assert.Equal("refs/heads/main", annotations[StampKeys.Ref]!.GetValue<string>());
        Assert.Equal(TestEvents.Sha(2), annotations[StampKeys.Revision]!.GetValue<string>());
        Assert.Equal(TestEvents.Sha(1), annotations[StampKeys.Before]!.GetValue<string>());
        Assert.Equal("Octo/Hello-World", annotations[StampKeys.RepoName]!.GetValue<string>());
        Assert.Equal("git://example.com/Octo/Hello-World.git", annotations[StampKeys.RepoUrl]!.GetValue<string>());
        Assert.Equal("git@example.com:Octo/Hello-World.git", annotations[StampKeys.RepoSsh]!.GetValue<string>());
        Assert.Equal("push", annotations[StampKeys.EventType]!.GetValue<string>());
        Assert.Equal("", annotations[StampKeys.EventAction]!.GetValue<string>());
        Assert.Equal(9, annotations.Count);
    }

    [Fact]
    public void Stamp_OfAPullRequest_AddsItsFourAnnotations_AndLabelsOnlyTheValuesValidAsTheyAre()
    {
        var pr = ProcessingEvents.PullRequest("Octo/Hello-World", 42, TestEvents.Sha(7), "synchronize", headRepository: "fork/Hello-World",
            before: TestEvents.Sha(6), headRef: "feature/x", baseRef: "release-1.2");

        var stamped = Assert.Single(ManifestStamper.Stamp([Workflow()], pr, pr.Revision));

        var annotations = stamped["metadata"]!["annotations"]!.AsObject();
        Assert.Equal(
            [("42", "release-1.2", "feature/x", "fork/Hello-World")],
            [(annotations[StampKeys.PrNumber]!.GetValue<string>(), annotations[StampKeys.PrBaseRef]!.GetValue<string>(),
                annotations[StampKeys.PrHeadRef]!.GetValue<string>(), annotations[StampKeys.PrHeadRepo]!.GetValue<string>())]);
        Assert.Equal(("pull_request", "synchronize", "refs/pull/42/head"),
            (annotations[StampKeys.EventType]!.GetValue<string>(), annotations[StampKeys.EventAction]!.GetValue<string>(), annotations[StampKeys.Ref]!.GetValue<string>()));
        Assert.Equal(12, annotations.Count);
        var labels = stamped["metadata"]!["labels"]!.AsObject();
        Assert.Equal("42", labels[StampKeys.PrNumber]!.GetValue<string>());
        Assert.Equal("release-1.2", labels[StampKeys.PrBaseRef]!.GetValue<string>());
        Assert.False(labels.ContainsKey(StampKeys.PrHeadRef));
        Assert.False(labels.ContainsKey(StampKeys.PrHeadRepo));
    }

    [Fact]
    public void Stamp_OfARepositoryDispatch_AddsItsClientPayload_AndAnEmptyObjectWhenItHadNone()
    {
        var dispatch = TestEvents.Push("o/r", eventType: "repository_dispatch", action: "go");

        var without = ManifestStamper.Annotations(dispatch, dispatch.Revision);
        var with = ManifestStamper.Annotations(dispatch with { ClientPayload = """{"a":[1,"x"]}""" }, dispatch.Revision);

        Assert.Equal(("{}", 9), (without[StampKeys.ClientPayload], without.Count));
        Assert.Equal("""{"a":[1,"x"]}""", with[StampKeys.ClientPayload]);
    }

    [Theory]
    [InlineData("push")]
    [InlineData("check_suite")]
    [InlineData("merge_group")]
    [InlineData("release")]
    public void Stamp_OfAnyOtherEvent_IsTheEightAnnotations(string eventType)
    {
        var e = TestEvents.Push("o/r", eventType: eventType) with { ClientPayload = "{}" };

        Assert.Equal(
            [StampKeys.Ref, StampKeys.Revision, StampKeys.Before, StampKeys.RepoName, StampKeys.RepoUrl, StampKeys.RepoSsh, StampKeys.EventType, StampKeys.EventAction],
            ManifestStamper.Annotations(e, e.Revision).Keys);
    }

    [Theory]
    [InlineData("main", true)]
    [InlineData("release-1.2_x", true)]
    [InlineData("feature/x", false)]
    [InlineData("-lead", false)]
    [InlineData("trail.", false)]
    [InlineData("caf\u00e9", false)]
    public void LabelValueValidity_IsKubernetesRule(string value, bool valid)
    {
        Assert.Equal(valid, LabelValues.IsValid(System.Text.RegularExpressions.Regex.Unescape(value)));
        Assert.False(LabelValues.IsValid(new string('a', 64)));
    }

    [Fact]
    public void Stamp_LabelsAreValidLabelValues_EvenForLongAndOddRefs()
    {
        var push = TestEvents.Push("owner/repo", "feature/" + new string('x', 80) + "/odd+chars=&'(x)!#%");

        var labels = ManifestStamper.Stamp([Workflow()], push, push.Revision)[0]["metadata"]!["labels"]!.AsObject();

        Assert.All(labels, l => Assert.Matches(LabelValue(), l.Value!.GetValue<string>()));
        Assert.All(labels, l => Assert.True(l.Value!.GetValue<string>().Length <= 63));
        Assert.Equal("owner.repo", labels[StampKeys.RepositoryLabel]!.GetValue<string>());
        Assert.Equal(push.Delivery.Value, labels[StampKeys.DeliveryLabel]!.GetValue<string>());
    }

    [Fact]
    public void Stamp_GenerateName_GetsANameThatIsTheSameForTheSameDeliveryAndDistinctOtherwise()
    {
        var push = TestEvents.Push("owner/repo");
        var other = TestEvents.Push("owner/repo");

        var first = ManifestStamper.Stamp([Workflow(), Workflow()], push, push.Revision);
        var again = ManifestStamper.Stamp([Workflow(), Workflow()], push, push.Revision);
        var elsewhere = ManifestStamper.Stamp([Workflow()], other, other.Revision);

        var names = first.Select(o => o["metadata"]!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(names, again.Select(o => o["metadata"]!["name"]!.GetValue<string>()));
        Assert.NotEqual(names[0], names[1]);
        Assert.NotEqual(names[0], elsewhere[0]["metadata"]!["name"]!.GetValue<string>());
        Assert.All(names, n => Assert.StartsWith("build-", n));
        Assert.All(names, n => Assert.Matches(Subdomain(), n));
    }

    [Fact]
    public void Stamp_LongGenerateName_StillFits63Characters()
    {
        var obj = Workflow();
        obj["metadata"]!["generateName"] = new string('a', 70) + "-";

        var name = ManifestStamper.Stamp([obj], TestEvents.Push("o/r"), TestEvents.Sha(1))[0]["metadata"]!["name"]!.GetValue<string>();

        Assert.Equal(63, name.Length);
    }

    [Fact]
    public void Stamp_NamedObject_KeepsItsName_AndTheInputIsNotChanged()
    {
        var obj = Workflow();
        obj["metadata"]!.AsObject().Remove("generateName");
        obj["metadata"]!["name"] = "fixed";

        var stamped = ManifestStamper.Stamp([obj], TestEvents.Push("o/r"), TestEvents.Sha(1))[0];

        Assert.Equal("fixed", stamped["metadata"]!["name"]!.GetValue<string>());
        Assert.Null(obj["metadata"]!["annotations"]);
    }

    [Theory]
    [InlineData("refs/heads/main", "refs.heads.main")]
    [InlineData("refs/tags/v1.2.0", "refs.tags.v1.2.0")]
    [InlineData("-/weird/-", "weird")]
    public void LabelValues_MapRefsReadably(string text, string expected) => Assert.Equal(expected, LabelValues.From(text));

    [Fact]
    public void LabelValues_LongDistinctInputs_StayDistinct()
    {
        var a = LabelValues.From("refs/heads/" + new string('x', 100) + "a");
        var b = LabelValues.From("refs/heads/" + new string('x', 100) + "b");

        Assert.NotEqual(a, b);
        Assert.Equal(63, a.Length);
    }

    [Theory]
    [InlineData("name", "31", "Workflow metadata.name must be a string, not the number 31 (YAML reads this unquoted value")]
    [InlineData("generateName", "true", "Workflow metadata.generateName must be a string, not the boolean true (YAML reads this unquoted value")]
    public void Stamp_NonStringName_IsRefusedNamingTheField(string field, string json, string expected)
    {
        var obj = Workflow();
        obj["metadata"]!.AsObject().Remove("generateName");
        obj["metadata"]![field] = JsonNode.Parse(json);

        var error = Assert.Throws<DeliveryRefusedException>(() => ManifestStamper.Stamp([obj], TestEvents.Push("o/r"), TestEvents.Sha(1)));

        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData("metadata", "Workflow metadata must be a mapping, not a list")]
    [InlineData("labels", "Workflow metadata.labels must be a mapping, not a list")]
    public void Stamp_MetadataOrLabelsNotAMapping_IsRefusedRatherThanReplaced(string field, string expected)
    {
        var obj = Workflow();
        var parent = field == "metadata" ? obj : obj["metadata"]!.AsObject();
        parent[field] = new JsonArray("a");

        var error = Assert.Throws<DeliveryRefusedException>(() => ManifestStamper.Stamp([obj], TestEvents.Push("o/r"), TestEvents.Sha(1)));

        Assert.Equal(expected, error.Message);
    }
}

