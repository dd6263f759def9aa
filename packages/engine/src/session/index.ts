/** The session model: schema, migrations, validation, tempo map, automation and fades. */
export * from "./automation.ts";
export * from "./fades.ts";
export * from "./load.ts";
export * from "./migrate.ts";
export * from "./problems.ts";
export * from "./schema.ts";
export * from "./tempo-map.ts";
export * from "./validate.ts";
