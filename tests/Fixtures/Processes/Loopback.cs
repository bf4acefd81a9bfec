using System.Net;
using System.Net.Sockets;

namespace K8sWebhookHandler.Testing.Processes;

/// <summary>Loopback ports for the servers the fixtures start.</summary>
public static class Loopback
{
    /// <summary>A port that was free a moment ago; the server that takes it is started right after.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
