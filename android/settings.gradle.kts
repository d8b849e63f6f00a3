// The Android shell of onego: the Rust core as a library module, the Compose app, and the pure-Kotlin adapters
// that the desktop JVM tests too (shell-common, also built by its Maven pom from scripts/test.sh).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "onego-android"
include(":core", ":app", ":shell-common")
