export function registerStudioCommands(): void {}
