//! Custom resources carry their Kubernetes identity in their type, as k8s-openapi's own
//! types do: [`custom_resource!`] declares an object of `metadata` and `spec`, implements
//! [`k8s_openapi::Resource`] (group, version, kind, plural, scope) and
//! [`k8s_openapi::Metadata`] for it, and serializes it with `apiVersion` and `kind` taken from
//! those constants, so no call site names a kind and a wrong one cannot be written.
//!
//! The serialized form is the one a derived `Serialize` gave the hand-filled structs before:
//! `apiVersion`, `kind`, `metadata`, `spec`, in that order.

/// Declares a namespaced custom resource `$name` whose spec is `$spec` (which may be generic
/// over nothing; one type per kind).
macro_rules! custom_resource {
    (
        $(#[$attr:meta])*
        $name:ident {
            spec: $spec:ty,
            group: $group:literal,
            version: $version:literal,
            kind: $kind:literal,
            plural: $plural:literal $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug)]
        pub(crate) struct $name {
            pub(crate) metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            spec: $spec,
        }

        impl k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $name {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use k8s_openapi::Resource as _;
                use serde::ser::SerializeStruct as _;
                let mut s = serializer.serialize_struct(stringify!($name), 4)?;
                s.serialize_field("apiVersion", Self::API_VERSION)?;
                s.serialize_field("kind", Self::KIND)?;
                s.serialize_field("metadata", &self.metadata)?;
                s.serialize_field("spec", &self.spec)?;
                s.end()
            }
        }
    };
}

pub(crate) use custom_resource;
