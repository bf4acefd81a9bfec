using System.Net;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>Each validation rule answers what a real API server answers: status, reason, message and causes.</summary>
public sealed class ValidationTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly RawApi _api = new(emulator.Server.BaseUri);

    public void Dispose() => _api.Dispose();

    private string ConfigMaps(string ns) => $"/api/v1/namespaces/{ns}/configmaps";

    private static JsonObject Cause(JsonObject status, int index = 0) => (JsonObject)status["details"]!["causes"]![index]!;

    [Fact]
    public async Task Create_UppercaseName_Is422WithTheSubdomainRule()
    {
        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("Bad_Name"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal("Invalid", body["reason"]!.GetValue<string>());
        Assert.Equal(422, body["code"]!.GetValue<int>());
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", body["message"]!.GetValue<string>());
        Assert.Equal("FieldValueInvalid", Cause(body)["reason"]!.GetValue<string>());
        Assert.Equal("metadata.name", Cause(body)["field"]!.GetValue<string>());
        Assert.Equal("ConfigMap", body["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NameOf254Characters_Is422TooLong()
    {
        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap(new string('a', 254)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.EndsWith("must be no more than 253 characters", Cause(body)["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NamespaceWithDot_Is422UnderTheLabelRule()
    {
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "a.b" } };

        var (status, body) = await _api.PostAsync("/api/v1/namespaces", ns);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("a lowercase RFC 1123 label must consist of", Cause(body)["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ServiceNameStartingWithDigit_Is422UnderTheDns1035Rule()
    {
        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "1web" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
        };

        var (status, body) = await _api.PostAsync($"/api/v1/namespaces/{emulator.NewNamespace()}/services", service);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("a DNS-1035 label must consist of", Cause(body)["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("bad key", "v", "name part must consist of alphanumeric characters")]
    [InlineData("Example.com/key", "v", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("a/b/c", "v", "a qualified name must consist of")]
    [InlineData("key", "-starts-with-dash", "a valid label must be an empty string or consist of")]
    public async Task Create_InvalidLabel_Is422OnMetadataLabels(string key, string value, string expected)
    {
        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("labelled", new JsonObject { [key] = value }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("metadata.labels", Cause(body)["field"]!.GetValue<string>());
        Assert.Contains(expected, Cause(body)["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_LabelKeyAndValueOver63_AreBothRejected()
    {
        var labels = new JsonObject { [new string('k', 64)] = new string('v', 64) };

        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("long", labels));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var messages = ((JsonArray)body["details"]!["causes"]!).Select(c => c!["message"]!.GetValue<string>()).ToArray();
        Assert.Contains(messages, m => m.EndsWith("name part must be no more than 63 characters", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.EndsWith("must be no more than 63 characters", StringComparison.Ordinal) && m.Contains(new string('v', 64), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_LabelOf63Characters_IsAccepted()
    {
        var labels = new JsonObject { ["example.com/" + new string('k', 63)] = new string('v', 63) };

        var (status, _) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("edge", labels));

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Create_AnnotationsOver256KiB_Is422TooLong()
    {
        var annotations = new JsonObject { ["big"] = new string('x', 256 * 1024) };

        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("annotated", annotations: annotations));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("FieldValueTooLong", Cause(body)["reason"]!.GetValue<string>());
        Assert.Equal("metadata.annotations", Cause(body)["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_AnnotationsJustUnderTheLimit_AreAccepted()
    {
        var annotations = new JsonObject { ["big"] = new string('x', (256 * 1024) - 3) };

        var (status, _) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), RawApi.ConfigMap("annotated", annotations: annotations));

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Create_InUnknownNamespace_Is404ForTheNamespace()
    {
        var (status, body) = await _api.PostAsync(ConfigMaps("does-not-exist"), RawApi.ConfigMap("cm"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NotFound", body["reason"]!.GetValue<string>());
        Assert.Equal("namespaces \"does-not-exist\" not found", body["message"]!.GetValue<string>());
        Assert.Equal("namespaces", body["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_SameNameTwice_Is409AlreadyExists()
    {
        var ns = emulator.NewNamespace();
        await _api.PostAsync($"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows", RawApi.Workflow("build"));

        var (status, body) = await _api.PostAsync($"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows", RawApi.Workflow("build"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("AlreadyExists", body["reason"]!.GetValue<string>());
        Assert.Equal("workflows.argoproj.io \"build\" already exists", body["message"]!.GetValue<string>());
        Assert.Equal("argoproj.io", body["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_UnknownResource_Is404NotFound()
    {
        var (status, body, _) = await _api.SendAsync(HttpMethod.Get, "/apis/argoproj.io/v1alpha1/namespaces/ci/sensors");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("the server could not find the requested resource", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Missing_Is404WithTheQualifiedResource()
    {
        var (status, body, _) = await _api.SendAsync(HttpMethod.Get, $"/apis/argoproj.io/v1alpha1/namespaces/{emulator.NewNamespace()}/workflows/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("workflows.argoproj.io \"nope\" not found", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_BodyNamingAnotherNamespace_Is400()
    {
        var cm = RawApi.ConfigMap("cm");
        cm["metadata"]!["namespace"] = "default";

        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), cm);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NeitherNameNorGenerateName_Is422Required()
    {
        var (status, body) = await _api.PostAsync($"/apis/argoproj.io/v1alpha1/namespaces/{emulator.NewNamespace()}/workflows", RawApi.Workflow());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("FieldValueRequired", Cause(body)["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_LabelValueThatIsNotAString_Is400DecodeError()
    {
        var cm = RawApi.ConfigMap("cm", new JsonObject { ["enabled"] = true });

        var (status, body) = await _api.PostAsync(ConfigMaps(emulator.NewNamespace()), cm);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cannot unmarshal bool", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WrongApiVersionForThePath_Is400()
    {
        var wf = RawApi.Workflow("x");
        wf["apiVersion"] = "argoproj.io/v1";

        var (status, body) = await _api.PostAsync($"/apis/argoproj.io/v1alpha1/namespaces/{emulator.NewNamespace()}/workflows", wf);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not match the expected API version (argoproj.io/v1alpha1)", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_WithoutFieldManager_Is400()
    {
        var ns = emulator.NewNamespace();

        var (status, body, _) = await _api.SendAsync(HttpMethod.Patch, $"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows/w",
            RawApi.Workflow("w").ToJsonString(), "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("fieldManager", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task StrategicMergePatch_OnCustomResource_Is415()
    {
        var ns = emulator.NewNamespace();
        await _api.PostAsync($"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows", RawApi.Workflow("w"));

        var (status, body, _) = await _api.SendAsync(HttpMethod.Patch, $"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows/w",
            "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", "application/strategic-merge-patch+json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("UnsupportedMediaType", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Is409Conflict()
    {
        var ns = emulator.NewNamespace();
        var (_, created) = await _api.PostAsync(ConfigMaps(ns), RawApi.ConfigMap("cm"));
        var first = (JsonObject)created.DeepClone();
        first["data"]!["key"] = "one";
        var (firstStatus, _, _) = await _api.SendAsync(HttpMethod.Put, ConfigMaps(ns) + "/cm", first.ToJsonString());
        var second = (JsonObject)created.DeepClone();
        second["data"]!["key"] = "two";

        var (status, body, _) = await _api.SendAsync(HttpMethod.Put, ConfigMaps(ns) + "/cm", second.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Conflict", body["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_NameDifferentFromUrl_Is400()
    {
        var ns = emulator.NewNamespace();
        var (_, created) = await _api.PostAsync(ConfigMaps(ns), RawApi.ConfigMap("cm"));
        created["metadata"]!["name"] = "other";

        var (status, body, _) = await _api.SendAsync(HttpMethod.Put, ConfigMaps(ns) + "/cm", created.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("the name of the object (other) does not match the name on the URL (cm)", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_MalformedJson_Is400AndStoresNothing()
    {
        var ns = emulator.NewNamespace();

        var (status, body, _) = await _api.SendAsync(HttpMethod.Post, ConfigMaps(ns), "{\"apiVersion\": ");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadRequest", body["reason"]!.GetValue<string>());
        Assert.Empty(emulator.Server.FindAll("", "configmaps", ns));
    }

    [Fact]
    public async Task Create_ProtobufBody_Is415NamingTheMediaType()
    {
        // kubectl 1.32's imperative generators (create configmap, create namespace) send protobuf.
        var (status, body, _) = await _api.SendAsync(HttpMethod.Post, ConfigMaps(emulator.NewNamespace()), "k8s\0", "application/vnd.kubernetes.protobuf");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/vnd.kubernetes.protobuf", body["message"]!.GetValue<string>());
    }
}
