/**
 * What every path of the server shares: the body of an error that no endpoint answered itself
 * (an unknown path, a container error) is problem JSON, never the framework's default.
 */
package dev.keymint.server.web;
