using System.Net;
using System.Net.Sockets;

namespace K8sWebhookHandler.Testing.Processes;

/// <summary>Loopback ports for the servers the fixtures start.</summary>
public static class Loopback
{
    /// <summary>
    /// Below Linux's ephemeral range (32768–60999): the system never gives these to an outgoing connection, so a port a
    /// killed process held is still free when the same server starts again on it.
    /// </summary>
    private const int First = 20000;
    private const int Last = 32767;

    /// <summary>
    /// A port that was free a moment ago, outside the ephemeral range (chosen at random, so that tests running at once
    /// rarely pick the same one); the server that takes it is started right after.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var port = Random.Shared.Next(First, Last + 1);
            if (IsFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
