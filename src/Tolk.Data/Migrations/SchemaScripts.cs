using System.Reflection;

namespace Tolk.Data.Migrations;

/// <summary>
/// Migration SQL kept as embedded, reviewed script files (one per provider and version). The files are
/// generated from the model (<c>GenerateCreateScript</c>) when a version is cut; a test compares the
/// newest model with the scripts so a model change without a new migration fails the build's tests.
/// </summary>
internal static class SchemaScripts
{
    public static string Read(string provider, string name)
    {
        var resource = $"Tolk.Data.Migrations.{provider}.{name}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded migration script {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
