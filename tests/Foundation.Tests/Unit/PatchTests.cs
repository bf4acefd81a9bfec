using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.KubeApiEmulator.Patching;

namespace K8sWebhookHandler.Foundation.Tests.Unit;

public sealed class PatchTests
{
    private static bool Same(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);

    /// <summary>The examples of RFC 7386, appendix A.</summary>
    [Theory]
    [InlineData("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}")]
    [InlineData("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}")]
    [InlineData("{\"a\":\"b\"}", "{\"a\":null}", "{}")]
    [InlineData("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}")]
    [InlineData("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}")]
    [InlineData("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}")]
    [InlineData("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}")]
    [InlineData("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}")]
    [InlineData("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}")]
    [InlineData("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}")]
    public void MergePatch_Rfc7386Examples(string target, string patch, string expected)
    {
        Assert.True(Same(expected, MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))));
    }

    [Fact]
    public void JsonPatch_AllOperations()
    {
        var doc = JsonNode.Parse("{\"a\":{\"b\":1},\"list\":[1,2,3]}")!;
        var ops = (JsonArray)JsonNode.Parse("""
            [
              {"op":"add","path":"/a/c","value":2},
              {"op":"remove","path":"/a/b"},
              {"op":"replace","path":"/list/0","value":9},
              {"op":"add","path":"/list/-","value":4},
              {"op":"move","from":"/a/c","path":"/moved"},
              {"op":"copy","from":"/moved","path":"/copied"},
              {"op":"test","path":"/copied","value":2},
              {"op":"add","path":"/k~1v","value":true}
            ]
            """)!;

        var result = JsonPatch.Apply(doc, ops);

        Assert.True(Same("{\"a\":{},\"list\":[9,2,3,4],\"moved\":2,\"copied\":2,\"k/v\":true}", result));
        Assert.True(Same("{\"a\":{\"b\":1},\"list\":[1,2,3]}", doc));
    }

    [Fact]
    public void JsonPatch_MissingPath_Is422()
    {
        var error = Assert.Throws<KubeStatusException>(() =>
            JsonPatch.Apply(JsonNode.Parse("{}")!, (JsonArray)JsonNode.Parse("[{\"op\":\"remove\",\"path\":\"/nope\"}]")!));

        Assert.Equal(422, error.Code);
    }

    [Theory]
    [InlineData("a: yes", "{\"a\":true}")]
    [InlineData("a: off", "{\"a\":false}")]
    [InlineData("a: 0777", "{\"a\":511}")]
    [InlineData("a: 0x1F", "{\"a\":31}")]
    [InlineData("a: '0777'", "{\"a\":\"0777\"}")]
    [InlineData("a: 1.5", "{\"a\":1.5}")]
    [InlineData("a: ~", "{\"a\":null}")]
    [InlineData("a: [1, two]", "{\"a\":[1,\"two\"]}")]
    public void YamlBody_ReadsScalarsAsTheServersYamlDecoderDoes(string yaml, string expected)
    {
        Assert.True(Same(expected, YamlBody.Parse(yaml)));
    }
}
