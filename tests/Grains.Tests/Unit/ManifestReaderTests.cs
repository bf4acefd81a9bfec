using System.Text;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class ManifestReaderTests
{
    private static IReadOnlyList<System.Text.Json.Nodes.JsonObject> Read(string yaml, ManifestOptions? limits = null) =>
        new ManifestReader(limits ?? new ManifestOptions()).Read(yaml);

    [Fact]
    public void MultiDocumentFile_YieldsEveryObject_AndSkipsEmptyDocuments()
    {
        var objects = Read("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            # only a comment
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {generateName: b-}
            """);

        Assert.Equal(["ConfigMap", "Workflow"], objects.Select(o => o["kind"]!.GetValue<string>()));
    }

    [Fact]
    public void KindList_YieldsItsItems()
    {
        var objects = Read("""
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
            """);

        Assert.Equal(["a", "b"], objects.Select(o => o["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void AliasBomb_IsRefusedInsteadOfExpanded()
    {
        // 9 levels of 9-fold aliases: a few hundred bytes that would expand to 387 million nodes.
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            var previous = $"*a{level - 1}";
            yaml.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }

        var error = Assert.Throws<DeliveryRefusedException>(() => Read(yaml.ToString()));

        Assert.True(yaml.Length < 1000);
        Assert.Contains("alias expansion", error.Message);
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\ndeep: " + new string('[', 100) + new string(']', 100) + "\n";

        var error = Assert.Throws<DeliveryRefusedException>(() => Read(yaml));

        Assert.Contains("nests deeper than 64", error.Message);
    }

    [Fact]
    public void OversizedManifest_IsRefusedBeforeParsing()
    {
        var error = Assert.Throws<DeliveryRefusedException>(() => Read(new string('#', 2000), new ManifestOptions { MaxBytes = 1000 }));

        Assert.Equal("the manifest is larger than 1000 bytes", error.Message);
    }

    [Fact]
    public void TooManyObjects_AreRefused()
    {
        var yaml = string.Join("---\n", Enumerable.Range(0, 3).Select(i => $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"));

        var error = Assert.Throws<DeliveryRefusedException>(() => Read(yaml, new ManifestOptions { MaxObjects = 2 }));

        Assert.Contains("at most 2", error.Message);
    }

    [Theory]
    [InlineData("kind: [unclosed", "invalid YAML at line 2")]
    [InlineData("- just\n- a list\n", "document 1 is not a Kubernetes object")]
    [InlineData("apiVersion: v1\nmetadata: {name: x}\n", "document 1 has no kind")]
    [InlineData("kind: ConfigMap\n", "document 1 has no apiVersion")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nvalue: *missing\n", "unknown anchor 'missing'")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nvalue: .inf\n", "cannot be represented in JSON")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nvalue: !!int abc\n", "cannot decode 'abc'")]
    public void BrokenOrHostileYaml_IsAClearError(string yaml, string expected)
    {
        var error = Assert.Throws<DeliveryRefusedException>(() => Read(yaml));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void RepeatedKey_LastOneWins_AsInKubectl()
    {
        var obj = Assert.Single(Read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n"));

        Assert.Equal("b", obj["metadata"]!["name"]!.GetValue<string>());
    }
}
