using ImCells.Cell.Chat;
using ImCells.Registry.Groups;

namespace ImCells.Cell.Groups;

/// <summary>A refusal decided in a group transaction reaches the device as an Error frame with its code, like any refused request.</summary>
internal static class GroupRefusals
{
    public static async Task<T> AsChatErrorsAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (GroupRefusedException e)
        {
            throw new ChatRequestException(e.Code, e.Message);
        }
    }
}
