using System.Text.Json.Nodes;
using Cel;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// The branch namespaces' ValidatingAdmissionPolicy, as rendered, evaluated by a CEL interpreter nobody here wrote (the
/// <c>Cel</c> package, a C# implementation of the CEL specification) against the admission requests the API server would
/// give it: the silos' writes in their own namespaces pass, the same writes anywhere else are refused, and nobody else's
/// requests are looked at. The emulator accepts the policy but does not evaluate CEL, so this is where its logic is tried.
/// </summary>
public sealed class AdmissionPolicyTests : IDisposable
{
    private const string Silo = "system:serviceaccount:ci:hooks-k8s-webhook-handler";
    private const string Owned = "k8s-webhook-handler.io/owned-namespace";
    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    public static TheoryData<string, Dictionary<string, object?>, bool> Requests => new()
    {
        { "creating a namespace labelled as the handler's", Request("CREATE", "Namespace", "", @object: Labelled(true)), true },
        { "creating a namespace without the label", Request("CREATE", "Namespace", "", @object: Labelled(false)), false },
        { "creating a namespace with the label false", Request("CREATE", "Namespace", "", @object: Labelled(null, "false")), false },
        { "deleting a namespace the handler labelled", Request("DELETE", "Namespace", "", oldObject: Labelled(true)), true },
        { "deleting a namespace it did not label", Request("DELETE", "Namespace", "", oldObject: Labelled(false)), false },
        { "a RoleBinding in a namespace labelled as its own", Request("CREATE", "RoleBinding", "ci-feature", namespaceObject: Labelled(true)), true },
        { "a RoleBinding in kube-system", Request("CREATE", "RoleBinding", "kube-system", namespaceObject: Labelled(false)), false },
        { "a Workflow patched in the workflow namespace", Request("UPDATE", "Workflow", "workflows", namespaceObject: Labelled(false)), true },
        { "a Workflow deleted in an allowed namespace", Request("DELETE", "Workflow", "ci-tools", namespaceObject: Labelled(false)), true },
        { "a Secret in a namespace someone else made", Request("CREATE", "Secret", "team-a", namespaceObject: Labelled(false)), false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task SilosRequests_PassOnlyInTheirOwnNamespaces(string what, Dictionary<string, object?> request, bool allowed)
    {
        var (conditions, validations) = await PolicyAsync();
        var cel = new CelEnvironment(null, null);

        Assert.All(conditions, c => Assert.Equal(true, cel.Program(c, request)));
        var refused = validations.Where(v => cel.Program(v, request) is not true).ToArray();

        Assert.True(allowed == (refused.Length == 0), $"{what}: {(allowed ? "refused by " + string.Join(" and ", refused) : "allowed")}");
    }

    [Fact]
    public async Task OtherUsersRequests_AreNotLookedAt()
    {
        var (conditions, _) = await PolicyAsync();
        var request = Request("CREATE", "Namespace", "", @object: Labelled(false));
        ((Dictionary<string, object?>)request["request"]!)["userInfo"] = new Dictionary<string, object?> { ["username"] = "system:serviceaccount:ci:someone-else" };

        Assert.Contains(conditions, c => new CelEnvironment(null, null).Program(c, request) is false);
    }

    /// <summary>The policy's match conditions and validations, rendered with branch namespaces, the policy and two allowed namespaces.</summary>
    private async Task<(string[] Conditions, string[] Validations)> PolicyAsync()
    {
        var policy = One(await _helm.RenderAsync(
            "--set", "handler.branchNamespaces.template=ci-{branch}", "--set", "handler.branchNamespaces.admissionPolicy.enabled=true",
            "--set", "handler.namespace=workflows", "--set", "handler.allowedNamespaces={ci-tools,ci-previews}"), "ValidatingAdmissionPolicy");
        static string[] Expressions(JsonNode? list) => [.. list!.AsArray().Select(e => e!["expression"]!.GetValue<string>())];
        return (Expressions(policy["spec"]!["matchConditions"]), Expressions(policy["spec"]!["validations"]));
    }

    private static Dictionary<string, object?> Request(
        string operation, string kind, string ns, object? @object = null, object? oldObject = null, object? namespaceObject = null) => new()
    {
        ["request"] = new Dictionary<string, object?>
        {
            ["operation"] = operation,
            ["namespace"] = ns,
            ["kind"] = new Dictionary<string, object?> { ["kind"] = kind },
            ["userInfo"] = new Dictionary<string, object?> { ["username"] = Silo },
        },
        ["object"] = @object,
        ["oldObject"] = oldObject,
        ["namespaceObject"] = ns.Length == 0 ? null : namespaceObject,
    };

    /// <summary>An object's metadata with the handler's label set to "true" (true), with no labels at all (false), or with the label as given.</summary>
    private static Dictionary<string, object?> Labelled(bool? owned, string? value = null)
    {
        var metadata = new Dictionary<string, object?> { ["name"] = "n" };
        if (owned is true || value is not null)
        {
            metadata["labels"] = new Dictionary<string, object?> { [Owned] = value ?? "true", ["other"] = "x" };
        }

        return new Dictionary<string, object?> { ["metadata"] = metadata };
    }
}
