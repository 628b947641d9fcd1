using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>The running server's management API, signed in as the bootstrap administrator.</summary>
internal static class AdminApi
{
    /// <summary>A client for the server's API carrying the administrator's bearer token.</summary>
    public static async Task<HttpClient> SignInAsync(TolkServerProcess server)
    {
        var http = new HttpClient { BaseAddress = server.HttpBase };
        var token = await PostAsync(http, "api/auth/token", new { email = TolkServerProcess.AdminEmail, password = TolkServerProcess.AdminPassword });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
        return http;
    }

    /// <summary>POSTs JSON, failing the test with the server's answer unless it succeeds; returns the response body.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
