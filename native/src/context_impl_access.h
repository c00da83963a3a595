// Access to a Context's ContextImpl from outside OpenMM.
//
// Context::getImpl() is private, but OpenMM gives Force subclasses getContextImpl(Context&) (the
// way plugin forces reach the implementation). ContextImplAccess is such a subclass, never added
// to a System; it only lends that accessor. Going through ContextImpl lets a batch evaluation
// compute energies and forces without building a State per configuration.
#ifndef BOLTZMANN4J_CONTEXT_IMPL_ACCESS_H
#define BOLTZMANN4J_CONTEXT_IMPL_ACCESS_H

#include <OpenMM.h>
#include <openmm/internal/ContextImpl.h>

class ContextImplAccess : public OpenMM::Force {
public:
    static OpenMM::ContextImpl &of(OpenMM::Context &context) {
        ContextImplAccess access;
        return access.getContextImpl(context);
    }

protected:
    OpenMM::ForceImpl *createImpl() const override {
        throw OpenMM::OpenMMException("ContextImplAccess is not a real force");
    }
};

#endif
