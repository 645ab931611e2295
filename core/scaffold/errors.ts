/** Bad scaffold input (name, version, image, root, template, --from module): exit 2 in the CLI. */
export class ScaffoldInputError extends Error {}
