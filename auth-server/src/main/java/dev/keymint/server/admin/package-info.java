/**
 * The admin API, {@code /admin/v1}: one controller per resource (keys, usage, usage reports, audit,
 * organizations, signing keys, the OpenAPI document), each taking a request record and answering
 * with response records. {@link dev.keymint.server.admin.JsonBodies} binds a body strictly (Jackson,
 * then Bean Validation with {@link dev.keymint.server.admin.FieldRules}) and answers every field
 * error at once; {@link dev.keymint.server.admin.Patch} carries a PATCH member's three states. Every
 * failure is problem JSON from {@link dev.keymint.server.web.Problems}. The key rules themselves are
 * the keys package's; this package only translates between them and the wire.
 */
package dev.keymint.server.admin;
