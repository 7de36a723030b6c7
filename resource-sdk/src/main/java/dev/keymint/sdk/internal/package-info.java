/**
 * Implementation details of the Keymint SDK. <b>Not API</b>: anything here may change or
 * disappear in any release; depend only on {@code dev.keymint.sdk} and its adapter packages.
 */
package dev.keymint.sdk.internal;
