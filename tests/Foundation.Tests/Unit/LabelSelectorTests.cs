using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.KubeApiEmulator.Selection;

namespace K8sWebhookHandler.Foundation.Tests.Unit;

public sealed class LabelSelectorTests
{
    private static JsonObject Labelled(params (string Key, string Value)[] labels) => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))) },
    };

    [Theory]
    [InlineData("env=prod", true)]
    [InlineData("env==prod", true)]
    [InlineData("env!=prod", false)]
    [InlineData("env in (prod, staging)", true)]
    [InlineData("env notin (prod)", false)]
    [InlineData("env", true)]
    [InlineData("!env", false)]
    [InlineData("tier!=web", true)]
    [InlineData("tier notin (web)", true)]
    [InlineData("env=prod,!tier", true)]
    [InlineData("env=prod,tier", false)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas<2", false)]
    [InlineData("example.com/team=ci", true)]
    [InlineData("", true)]
    public void Matches_FollowsTheApiMachinerySemantics(string selector, bool expected)
    {
        var obj = Labelled(("env", "prod"), ("replicas", "3"), ("example.com/team", "ci"));

        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(obj));
    }

    [Theory]
    [InlineData("env in prod")]
    [InlineData("env=bad value!")]
    [InlineData("bad key=1")]
    [InlineData("replicas>two")]
    [InlineData("env,")]
    public void Parse_Malformed_Is400(string selector)
    {
        var error = Assert.Throws<KubeStatusException>(() => LabelSelector.Parse(selector));

        Assert.Equal(400, error.Code);
        Assert.StartsWith("unable to parse requirement", error.Message);
    }

    [Theory]
    [InlineData("metadata.name=a", true)]
    [InlineData("metadata.name!=a", false)]
    [InlineData("metadata.namespace==ci,metadata.name=a", true)]
    public void FieldSelector_OnNameAndNamespace(string selector, bool expected)
    {
        var obj = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "a", ["namespace"] = "ci" } };

        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(obj));
    }

    [Fact]
    public void FieldSelector_OnAnUnsupportedField_Is400()
    {
        var error = Assert.Throws<KubeStatusException>(() => FieldSelector.Parse("spec.entrypoint=main"));

        Assert.Equal("field label not supported: spec.entrypoint", error.Message);
    }
}
